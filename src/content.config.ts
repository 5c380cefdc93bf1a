import { resolve } from 'node:path';
import { defineCollection } from 'astro:content';
import { file, glob } from 'astro/loaders';
import { newsletterSchema } from './schemas/newsletter.ts';
import { pageSchema } from './schemas/page.ts';
import { postSchema } from './schemas/post.ts';
import { siteSchema } from './schemas/site.ts';
import { spaceSchema } from './schemas/space.ts';
import { tierSchema } from './schemas/tier.ts';
import { loadTiersFile } from './server/cli/tiers-file.ts';
import { unknownSpaceTier } from './server/content/space-tiers.ts';
import { yamlDocument } from './site/yaml-document-loader.ts';
import { yamlList } from './site/yaml-list-loader.ts';

// Tests and benchmarks build generated communities; everyone else uses ./content.
const contentDir = resolve(process.env.COTERIE_CONTENT_DIR ?? 'content');

// retainBody: false keeps raw MDX out of the data store, which is bundled into both the
// prerender and the server builds: at thousands of posts it was the largest module of all.
const posts = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: resolve(contentDir, 'posts'), retainBody: false }),
  schema: postSchema,
});

const pages = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: resolve(contentDir, 'pages'), retainBody: false }),
  schema: pageSchema,
});

const site = defineCollection({
  loader: yamlDocument(resolve(contentDir, 'site.yaml'), 'site'),
  schema: siteSchema,
});

const tiersFile = resolve(contentDir, 'tiers.yaml');
const tiers = defineCollection({
  loader: file(tiersFile),
  schema: tierSchema,
});

// Optional: a community without spaces.yaml has discussions under posts only. A tier a
// space names must be in tiers.yaml, as for posts: a typo would hide the space from members.
const spaces = defineCollection({
  loader: yamlList(resolve(contentDir, 'spaces.yaml'), {
    check: (entries, shown) =>
      unknownSpaceTier(shown, entries.map((entry) => spaceSchema.parse(entry)), loadTiersFile(tiersFile).map((tier) => tier.id)),
    dependsOn: [tiersFile],
  }),
  schema: spaceSchema,
});

// Optional: without newsletter.yaml the digest uses site.yaml and is never scheduled.
const newsletter = defineCollection({
  loader: yamlDocument(resolve(contentDir, 'newsletter.yaml'), 'newsletter', { optional: true }),
  schema: newsletterSchema,
});

export const collections = { posts, pages, site, tiers, spaces, newsletter };
