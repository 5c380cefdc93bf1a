import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAstro } from '../support/astro-cli.ts';
import { smallCommunityDir as fixture } from '../support/communities.ts';

const root = resolve(import.meta.dirname, '../..');
const workDir = join(root, '.test-build/broken-community');

/** A copy of the small community with one file edited (or added, when the edit gets ''), checked the way a build checks it. */
function checkWith(file: string, edit: (source: string) => string, command: 'sync' | 'build' = 'sync') {
  rmSync(workDir, { recursive: true, force: true });
  cpSync(fixture, workDir, { recursive: true });
  const path = join(workDir, file);
  const source = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const edited = edit(source);
  if (edited === source) throw new Error(`the edit did not change ${file}`);
  writeFileSync(path, edited);
  const args = command === 'sync' ? ['sync'] : ['build', '--outDir', join(root, '.test-build/broken-dist')];
  return runAstro(args, { COTERIE_CONTENT_DIR: workDir, COTERIE_CACHE_DIR: join(root, '.test-build/broken-cache') });
}

afterEach(() => rmSync(workDir, { recursive: true, force: true }));

describe('a mistake in the content fails the build with the file, the field and what is allowed', () => {
  it('names an unknown access level in a post', () => {
    const result = checkWith('posts/members-burrow.mdx', (s) => s.replace('access: members', 'access: vip'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('posts/members-burrow.mdx');
    expect(result.output).toContain('access: must be "public", "members", "paid", or a list of tier ids');
  });

  it('names a cover without alt text', () => {
    const result = checkWith('posts/open-field.mdx', (s) => s.replace('tags: [mammals]', 'tags: [mammals]\ncover: ../images/hedgehog.svg'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('posts/open-field.mdx');
    expect(result.output).toContain('coverAlt: coverAlt is required when a cover is set');
  });

  it('names a badly written date', () => {
    const result = checkWith('posts/open-field.mdx', (s) => s.replace('date: 2026-01-02', 'date: last tuesday'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('date: must be a date such as 2026-03-14');
  });

  it('names a bad site URL in site.yaml', () => {
    const result = checkWith('site.yaml', (s) => s.replace(/^url: .*$/m, 'url: my-site'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('site.yaml');
    expect(result.output).toContain('url: must be a full URL such as https://example.com');
  });

  it('names a bad currency and a price that is not in minor units in tiers.yaml', () => {
    const currency = checkWith('tiers.yaml', (s) => s.replace('currency: usd', 'currency: dollars'));
    expect(currency.status).not.toBe(0);
    expect(currency.output).toContain('tiers.yaml');
    expect(currency.output).toContain('currency: must be a three-letter currency code such as usd, eur or gbp');
    const price = checkWith('tiers.yaml', (s) => s.replace('monthly: 500', 'monthly: 4.99'));
    expect(price.status).not.toBe(0);
    expect(price.output).toContain('must be a whole number of minor units, e.g. 600 for 6.00');
  });

  it('names a tier that tiers.yaml does not declare', () => {
    const result = checkWith('posts/supporter-only.mdx', (s) => s.replace('access: [supporter]', 'access: [suporter]'), 'build');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('access names unknown tier "suporter"');
    expect(result.output).toContain('Tiers in tiers.yaml: supporter');
  });

  it('names a tier in spaces.yaml that tiers.yaml does not declare', () => {
    const space = (read: string, post: string) =>
      `- id: backers\n  name: Backers\n  description: For supporters.\n  read: ${read}\n  post: ${post}\n`;
    const unknownRead = checkWith('spaces.yaml', (s) => s + space('[suporter]', 'members'));
    expect(unknownRead.status).not.toBe(0);
    expect(unknownRead.output).toContain('spaces.yaml: space "backers": read names unknown tier "suporter"');
    expect(unknownRead.output).toContain('Tiers in tiers.yaml: supporter; or use public, members or paid.');
    const unknownPost = checkWith('spaces.yaml', (s) => s + space('members', '[supporter, patron]'));
    expect(unknownPost.status).not.toBe(0);
    expect(unknownPost.output).toContain('spaces.yaml: space "backers": post names unknown tier "patron"');
    const known = checkWith('spaces.yaml', (s) => s + space('[supporter]', '[supporter]'));
    expect(known.output).not.toContain('unknown tier');
    expect(known.status).toBe(0);
  });
});
