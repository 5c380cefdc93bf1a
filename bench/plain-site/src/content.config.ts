import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

const postsDir = process.env.BENCH_POSTS_DIR;
if (!postsDir) {
  throw new Error(
    'BENCH_POSTS_DIR is not set. Generate posts with `node bench/generate-posts.ts --out <dir>` and set BENCH_POSTS_DIR=<dir>/posts.',
  );
}

const posts = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: postsDir }),
  // Permissive on purpose: the floor measures rendering, not Coterie's validation.
  schema: z.looseObject({ title: z.string(), date: z.coerce.date() }),
});

export const collections = { posts };
