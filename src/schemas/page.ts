import { z } from 'astro/zod';

/** Frontmatter of `content/pages/*.mdx` (about, guidelines…). Each is served at /<file name>. */
export const pageSchema = z.object({
  /** The page's heading and title. */
  title: z.string().min(1),
  /** One sentence for search engines and social cards. */
  description: z.string().min(1),
});
