// @ts-check
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { parse } from 'yaml';
import devDatabaseLock from './src/integrations/dev-database-lock.ts';
import listeningAddress from './src/integrations/listening-address.ts';
import pagefind from './src/integrations/pagefind.ts';
import publicPostsOutOfServer from './src/integrations/public-posts-out-of-server.ts';
import { largestBodyLimit } from './src/server/http/body-limits.ts';

// Where the creator's community lives; tests and benchmarks point it at generated copies.
const contentDir = resolve(process.env.COTERIE_CONTENT_DIR ?? 'content');

// Canonical URLs are baked into static pages, so the site's address is read at build time:
// SITE_URL wins (a deployment knows its own address), then `url` in site.yaml.
function siteUrl() {
  if (process.env.SITE_URL) return process.env.SITE_URL;
  try {
    const site = parse(readFileSync(resolve(contentDir, 'site.yaml'), 'utf8'));
    // An invalid url falls through: the content schema then reports it with the file's name.
    if (site && typeof site.url === 'string' && URL.canParse(site.url)) return site.url;
  } catch {
    // A missing or broken site.yaml is reported, with its field, by the content schema.
  }
  return 'http://localhost:4321';
}

export default defineConfig({
  site: siteUrl(),
  trailingSlash: 'ignore',
  output: 'static',
  // npm run build and npm start build into a fresh folder of their own (scripts/site-build.ts)
  // and pass it as --outDir; this is where a bare `astro build` writes.
  outDir: process.env.COTERIE_OUT_DIR ?? './dist',
  // `npm start` refuses bodies over their address's limit before the adapter reads them;
  // this ceiling (instead of the adapter's 1 GiB) holds where dist/server/entry.mjs runs alone.
  adapter: node({ mode: 'standalone', bodySizeLimit: largestBodyLimit }),
  integrations: [mdx(), pagefind(), publicPostsOutOfServer(contentDir), devDatabaseLock(), listeningAddress()],
  // Social cards must be PNG, so covers drawn as SVG are rasterised for them. The SVGs
  // come from the creator's own repository, not from visitors, so processing them is safe.
  image: { dangerouslyProcessSVG: true },
  cacheDir: process.env.COTERIE_CACHE_DIR ?? './node_modules/.astro',
  server: { port: Number(process.env.PORT ?? 4321), host: process.env.HOST ?? 'localhost' },
  // Our middleware checks Origin (and Sec-Fetch-Site) on every write, for every method
  // and content type, with an explicit list of token-authenticated exceptions (one-click
  // unsubscribe from mail clients sends no Origin). Astro's own check, which runs first
  // and has no such list, would refuse those.
  security: { checkOrigin: false },
  // No <style> in pages: the Content-Security-Policy allows stylesheets from files only.
  build: { inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  vite: {
    // PGlite ships WebAssembly and data files it locates next to itself at run time.
    ssr: { external: ['@electric-sql/pglite'] },
    // Finished builds (see scripts/site-build.ts) are not sources: the dev server need not watch them.
    server: { watch: { ignored: ['**/.builds/**'] } },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
    build: {
      rollupOptions: {
        // Every MDX module carries Astro's own head-inject directive; the bundler's note
        // about it is noise that would bury real warnings.
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
  },
});
