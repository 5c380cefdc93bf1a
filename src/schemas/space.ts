import { z } from 'astro/zod';
import { accessSchema } from './access.ts';

/** One entry of `content/spaces.yaml`: a place for members' threads outside posts. */
export const spaceSchema = z.object({
  /** Stable identifier, used in URLs (`/community/<id>`); never rename a live space. */
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'space ids are lower-case words joined by dashes' }),
  /** Display name, e.g. "Identification help". */
  name: z.string().min(1),
  /** One sentence under the name. */
  description: z.string().min(1),
  /** Who may see the space, its threads and replies: like a post's `access`. */
  read: accessSchema.default('members'),
  /** Who may start threads and reply: like `read`; "public" means any signed-in member. */
  post: accessSchema.default('members'),
  /**
   * Also list the space on /community for readers who may not read it: its name,
   * description and what unlocks it, never its threads. Off by default, so a space one
   * may not read stays invisible (its page answers 404 either way).
   */
  listed: z.boolean().default(false),
  /** Position on /community, smallest first; ties keep file order. */
  order: z.number().int().default(0),
  /** A pinned first thread, written by the owner when the server starts. */
  welcome: z
    .object({
      /** The thread's title. */
      title: z.string().min(1),
      /** Its first message, in the same markdown members write. */
      body: z.string().min(1),
    })
    .optional(),
});

export type Space = z.infer<typeof spaceSchema>;
