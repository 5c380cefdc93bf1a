/**
 * The README's MDX and YAML examples build as written, following "Making it yours": the
 * demo with its posts and images deleted, each example saved as the file the sentence
 * before it names (`content/posts/first-frost.mdx`, `content/spaces.yaml`, …).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAstro } from '../support/astro-cli.ts';
import { hedgerowDir } from '../support/communities.ts';

const root = resolve(import.meta.dirname, '../..');
const workDir = join(root, '.test-build/readme-community');
const cacheDir = join(root, '.test-build/readme-cache');
const outDir = join(root, '.test-build/readme-dist');

type Example = { line: number; file: string; text: string };

/** Fenced mdx and yaml blocks, each with the last `content/…` file named before it since the previous block. */
function readmeExamples(readme: string): Example[] {
  const examples: Example[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  let previousEnd = 0;
  for (const match of readme.matchAll(fence)) {
    const [whole, language = '', text = ''] = match;
    const before = readme.slice(previousEnd, match.index);
    previousEnd = match.index + whole.length;
    if (language !== 'mdx' && language !== 'yaml') continue;
    const line = readme.slice(0, match.index).split('\n').length;
    const named = [...before.matchAll(/`content\/([^`\s]+\.(?:mdx|yaml))`/g)].at(-1)?.[1];
    if (!named) throw new Error(`README.md line ${line}: a ${language} example with no file: name it (\`content/<file>\`) in the sentence before it`);
    examples.push({ line, file: named, text });
  }
  return examples;
}

/** Examples split into builds so that no build has two examples for one file. */
function rounds(examples: Example[]): Example[][] {
  const result: Example[][] = [];
  for (const example of examples) {
    const round = result.find((taken) => !taken.some((other) => other.file === example.file));
    if (round) round.push(example);
    else result.push([example]);
  }
  return result;
}

afterAll(() => {
  for (const folder of [workDir, cacheDir, outDir]) rmSync(folder, { recursive: true, force: true });
});

describe('the README', () => {
  const examples = readmeExamples(readFileSync(join(root, 'README.md'), 'utf8'));

  it('has the examples this test builds', () => {
    expect(examples.map((example) => example.file)).toEqual(expect.arrayContaining(['posts/first-frost.mdx', 'spaces.yaml', 'newsletter.yaml']));
  });

  it.each(rounds(examples).map((round) => [round.map((example) => `${example.file} (line ${example.line})`).join(', '), round] as const))(
    'examples build as written: %s',
    { timeout: 300_000 },
    (_names, round) => {
      rmSync(workDir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
      cpSync(hedgerowDir, workDir, { recursive: true });
      // Step 4 of "Making it yours": the demo's posts and their images go.
      for (const folder of ['posts', 'images']) {
        rmSync(join(workDir, folder), { recursive: true, force: true });
        mkdirSync(join(workDir, folder));
      }
      for (const example of round) {
        mkdirSync(dirname(join(workDir, example.file)), { recursive: true });
        writeFileSync(join(workDir, example.file), example.text);
      }
      const build = runAstro(['build', '--outDir', outDir], { COTERIE_CONTENT_DIR: workDir, COTERIE_CACHE_DIR: cacheDir });
      expect(build.status, `A README example does not build as written:\n${build.output}`).toBe(0);
    },
  );
});
