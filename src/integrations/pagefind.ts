import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';
import type { SearchTeaser } from '../pages/coterie-search-teasers.json.ts';

/** Where the teaser endpoint's output lands in the static build. */
export const TEASERS_FILE = 'coterie-search-teasers.json';

/**
 * Indexes the static build with Pagefind after `astro build`: whole public posts from
 * their pages (`data-pagefind-body`), gated posts from their teasers only.
 */
export default function pagefindIntegration(): AstroIntegration {
  return {
    name: 'coterie-pagefind',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const siteDir = fileURLToPath(dir);
        const teasersPath = fileURLToPath(new URL(TEASERS_FILE, dir));
        const teasers: SearchTeaser[] = JSON.parse(await readFile(teasersPath, 'utf8'));
        await rm(teasersPath);

        const { index, errors } = await pagefind.createIndex({});
        if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
        try {
          const indexed = await index.addDirectory({ path: siteDir });
          fail('indexing the built pages', indexed.errors);
          const language = await siteLanguage(siteDir);
          for (const teaser of teasers) {
            const added = await index.addCustomRecord({
              url: teaser.url,
              content: teaser.text,
              language,
              meta: { title: teaser.title, access: teaser.access },
              filters: { topic: teaser.tags },
            });
            fail(`indexing the teaser of ${teaser.url}`, added.errors);
          }
          const written = await index.writeFiles({ outputPath: fileURLToPath(new URL('pagefind/', dir)) });
          fail('writing the search index', written.errors);
          logger.info(`search index: ${indexed.page_count} public pages, ${teasers.length} teasers`);
        } finally {
          await pagefind.close();
        }
      },
    },
  };
}

function fail(step: string, errors: string[]) {
  if (errors.length > 0) throw new Error(`Pagefind failed ${step}: ${errors.join('; ')}`);
}

/** The language the pages declare, so teasers land in the same index as the pages. */
async function siteLanguage(siteDir: string): Promise<string> {
  const home = await readFile(`${siteDir}/index.html`, 'utf8');
  return /<html[^>]*\blang="([^"]+)"/.exec(home)?.[1]?.split('-')[0] ?? 'en';
}
