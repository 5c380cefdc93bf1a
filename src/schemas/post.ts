import { z } from 'astro/zod';
import type { SchemaContext } from 'astro:content';
import { accessSchema } from './access.ts';

const tag = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'tags are lower-case words joined by dashes, e.g. field-craft' });

/** Frontmatter of `content/posts/*.mdx`. The file name is the post's URL: /posts/<file name>. */
export const postSchema = ({ image }: SchemaContext) =>
  z
    .object({
      /** The headline. */
      title: z.string().min(1),
      /** One or two sentences for listings, search, RSS, social cards — and the teaser of a gated post without a `<Paywall />` marker. */
      description: z.string().min(1),
      /** Publication date (YYYY-MM-DD). Posts dated in the future are not published yet. */
      date: z.coerce.date({ error: 'must be a date such as 2026-03-14' }),
      /** Date of the last significant change, if any. */
      updated: z.coerce.date({ error: 'must be a date such as 2026-03-14' }).optional(),
      /** Topics; each gets a page at /tags/<tag>. */
      tags: z.array(tag).default([]),
      /** Byline; defaults to the site's name when omitted. */
      author: z.string().min(1).optional(),
      /** Cover image, relative to the post file (e.g. ../images/moth.svg); also the social card. */
      cover: image().optional(),
      /** Describes the cover for people who cannot see it; required with a cover. */
      coverAlt: z.string().min(1).optional(),
      /** Who may read the whole post: "public", "members", "paid", or a list of tier ids. */
      access: accessSchema.default('public'),
      /**
       * How digests carry this post: `true` or "summary" lists it with its teaser and a link;
       * "full" puts the whole post in the email for readers who may read it (everyone else
       * gets the teaser and an upgrade button); `false` leaves it out.
       */
      newsletter: z
        .union([z.boolean(), z.enum(['summary', 'full'])], { error: 'must be true, false, "summary" or "full"' })
        .default(true),
      /** Show this post in the home page's featured row. */
      featured: z.boolean().default(false),
      /** Drafts are left out of the build entirely. */
      draft: z.boolean().default(false),
    })
    .refine((post) => post.cover === undefined || post.coverAlt !== undefined, {
      error: 'coverAlt is required when a cover is set: describe the image for people who cannot see it',
      path: ['coverAlt'],
    });
