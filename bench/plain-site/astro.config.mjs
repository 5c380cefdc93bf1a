// @ts-check
// The floor: a plain Astro MDX site with no Coterie features, built from the same posts.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

// Keep the content-layer and Vite caches out of the repository; the benchmark passes a temp dir.
const cacheDir = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'coterie-bench-plain-cache');

export default defineConfig({
  output: 'static',
  integrations: [mdx()],
  cacheDir,
  devToolbar: { enabled: false },
  vite: { cacheDir: join(cacheDir, 'vite') },
});
