// @ts-check
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { parse } from 'yaml';
import listeningAddress from './src/integrations/listening-address.ts';
import pagefind from './src/integrations/pagefind.ts';
import publicPostsOutOfServer from './src/integrations/public-posts-out-of-server.ts';

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
  outDir: process.env.COTERIE_OUT_DIR ?? './dist',
  adapter: node({ mode: 'standalone' }),
  integrations: [mdx(), pagefind(), publicPostsOutOfServer(contentDir), listeningAddress()],
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
