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
  vite: {
    cacheDir: join(cacheDir, 'vite'),
    // The same filter Coterie's config has: printing thousands of these notes costs
    // seconds at N = 10,000, and the floor should not pay for noise Coterie skips.
    build: {
      rollupOptions: {
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
  },
});
