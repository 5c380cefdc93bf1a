/**
 * The one test that reads the creator's own `content/`: every other test uses a fixture
 * community, so editing or replacing `content/` never breaks them. This one is meant to
 * fail when the community in `content/` would not build, and says so.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAstro } from '../support/astro-cli.ts';

const root = resolve(import.meta.dirname, '../..');
const contentDir = resolve(root, 'content');

describe('your community in content/', () => {
  it('passes the checks a build makes of its posts, pages and settings', () => {
    const result = runAstro(['sync'], { COTERIE_CONTENT_DIR: contentDir, COTERIE_CACHE_DIR: join(root, '.test-build/creator-cache') });
    const why =
      `The community in ${contentDir} does not pass the build's content checks. This test checks your content, ` +
      `not Coterie's code: fix the file and field named below, then run the tests again.\n\n${result.output.trim()}\n`;
    expect(result.status, why).toBe(0);
  });
});
