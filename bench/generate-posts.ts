/**
 * Writes N synthetic MDX posts (deterministic from a seed) into `<dir>/posts/`, beside a
 * copy of the demo community (tests/fixtures/hedgerow) minus its posts, so Coterie can build
 * from `<dir>`; the demo, not `content/`, so the figures do not change when a creator edits theirs.
 *
 *   node bench/generate-posts.ts --count 1000 --out /tmp/coterie-posts [--seed 42] [--content-from content]
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom, type Random } from './seeded-random.ts';
import * as md from './synthetic-markdown.ts';

export const TAGS = [
  'birds', 'moths', 'fungi', 'botany', 'tides', 'field-notes', 'gear', 'photography',
  'migration', 'lichens', 'insects', 'weather', 'mapping', 'identification', 'seasons',
  'wetlands', 'woodland', 'citizen-science', 'sketching', 'sound-recording',
] as const;

export type Access = 'public' | 'members' | 'paid' | 'naturalist';
export type GeneratedPosts = {
  dir: string;
  postsDir: string;
  count: number;
  /** How many posts got each access level; `public` ones are the prerendered ones in Coterie. */
  access: Record<Access, number>;
  words: number;
  /** False when there was no community folder to copy: the plain site still builds, Coterie will not. */
  copiedSkeleton: boolean;
};

const DEFAULT_CONTENT = fileURLToPath(new URL('../tests/fixtures/hedgerow', import.meta.url));
const FIRST_DAY = Date.UTC(2019, 0, 1);
const DAY_MS = 86_400_000;

// 70 / 15 / 10 / 5, the mix the issue asks for.
function pickAccess(random: Random): Access {
  const r = random.next();
  return r < 0.7 ? 'public' : r < 0.85 ? 'members' : r < 0.95 ? 'paid' : 'naturalist';
}

const slugify = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
// JSON strings are valid YAML double-quoted scalars, so no title can break the frontmatter.
const yamlString = (text: string): string => JSON.stringify(text);

function frontmatter(post: { title: string; description: string; date: string; tags: string[]; access: Access; featured: boolean }): string {
  const access = post.access === 'naturalist' ? '["naturalist"]' : post.access;
  return [
    '---',
    `title: ${yamlString(post.title)}`,
    `description: ${yamlString(post.description)}`,
    `date: ${post.date}`,
    `tags: [${post.tags.map(yamlString).join(', ')}]`,
    `access: ${access}`,
    ...(post.featured ? ['featured: true'] : []),
    '---',
  ].join('\n');
}

/** Body blocks joined by blank lines; a gated post gets `<Paywall />` after its opening paragraphs. */
function body(random: Random, gated: boolean, slugs: readonly string[]): string {
  const target = random.int(300, 900);
  const blocks: string[] = [];
  let words = 0;
  const add = (block: string) => {
    blocks.push(block);
    words += md.countWords(block);
  };
  add(md.paragraph(random, slugs));
  add(md.paragraph(random, slugs));
  if (gated) blocks.push('<Paywall />');
  let quoted = false;
  while (words < target) {
    add(md.heading(random));
    add(md.paragraph(random, slugs));
    if (random.chance(0.4)) add(md.list(random));
    if (!quoted && (random.chance(0.3) || words > target * 0.6)) {
      add(md.blockquote(random));
      quoted = true;
    }
    if (random.chance(0.12)) add(md.codeBlock(random));
    if (random.chance(0.08)) add(md.callout(random));
    add(md.paragraph(random, slugs));
  }
  if (!quoted) add(md.blockquote(random));
  return `${blocks.join('\n\n')}\n`;
}

export function generatePosts(options: { count: number; dir: string; seed?: number; contentFrom?: string }): GeneratedPosts {
  const { count, seed = 42, contentFrom = DEFAULT_CONTENT } = options;
  const dir = resolve(options.dir);
  const postsDir = join(dir, 'posts');
  const random = createRandom(seed);

  mkdirSync(dir, { recursive: true });
  const copiedSkeleton = existsSync(contentFrom);
  if (copiedSkeleton) {
    const realPosts = join(contentFrom, 'posts');
    cpSync(contentFrom, dir, {
      recursive: true,
      filter: (source) => source !== realPosts && !source.startsWith(`${realPosts}${sep}`),
    });
  }
  // Start from an empty posts folder so the count on disk is exactly `count`.
  rmSync(postsDir, { recursive: true, force: true });
  mkdirSync(postsDir, { recursive: true });

  // Titles first, so bodies can link to any post, earlier or later.
  const width = String(count).length;
  const heads = Array.from({ length: count }, (_, i) => {
    const title = md.phrase(random, random.int(2, 5)).replace(/^./, (c) => c.toUpperCase());
    return { title, slug: `${String(i + 1).padStart(width, '0')}-${slugify(title)}` };
  });
  const slugs = heads.map((head) => head.slug);

  const access: Record<Access, number> = { public: 0, members: 0, paid: 0, naturalist: 0 };
  let words = 0;
  for (const head of heads) {
    const post = {
      title: head.title,
      description: md.sentence(random),
      date: new Date(FIRST_DAY + random.int(0, 6 * 365) * DAY_MS).toISOString().slice(0, 10),
      tags: random.sample(TAGS, random.int(1, 4)),
      access: pickAccess(random),
      featured: random.chance(0.01),
    };
    const text = body(random, post.access !== 'public', slugs);
    access[post.access]++;
    words += md.countWords(text);
    writeFileSync(join(postsDir, `${head.slug}.mdx`), `${frontmatter(post)}\n\n${text}`);
  }
  return { dir, postsDir, count, access, words, copiedSkeleton };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'content-from': { type: 'string' },
    },
  });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!values.out || !Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    console.error('Usage: node bench/generate-posts.ts --count <N ≥ 1> --out <dir> [--seed <integer>] [--content-from <dir>]');
    process.exit(1);
  }
  const contentFrom = values['content-from'] ? resolve(values['content-from']) : DEFAULT_CONTENT;
  const result = generatePosts({ count, dir: values.out, seed, contentFrom });
  console.log(`Wrote ${result.count} posts (${result.words} words) to ${result.postsDir}: ${JSON.stringify(result.access)}`);
  if (!result.copiedSkeleton) console.warn(`No content folder to copy from (${contentFrom}): only the plain site can build from this.`);
}
