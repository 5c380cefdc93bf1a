import { z } from 'astro/zod';
import type { Site } from './site.ts';

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** What a subject template may name, as `{name}`. */
export const subjectPlaceholders = ['name', 'date', 'topPost', 'count'] as const;

const placeholderList = subjectPlaceholders.map((name) => `{${name}}`).join(', ');

/** The `{…}` names in a subject template that are not placeholders we fill. */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = subjectPlaceholders;
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '').filter((name) => !known.includes(name));
}

/** True for names Intl knows, such as Europe/London or UTC. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const time = z.string({ error: 'must be a 24-hour time in quotes, such as "09:00"' }).regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, {
  error: 'must be a 24-hour time in quotes, such as "09:00" or "18:30"',
});

const timeZone = z
  .string({ error: 'must be a time zone name such as Europe/London' })
  .refine(isTimeZone, { error: 'must be an IANA time zone name such as Europe/London, America/New_York or UTC' });

const scheduleError =
  'must be off, or { every: day | week | month, time: "HH:MM", timeZone: … } with day: monday…sunday for week ' +
  'or 1–28 for month, e.g. { every: week, day: monday, time: "09:00", timeZone: Europe/London }';

/**
 * `off`, or when scheduled digests go out. `off` is read as `{ every: off }` first, so a
 * mistake inside a schedule is reported on its own field rather than as "not off either".
 */
const scheduleSchema = z
  .preprocess(
    (value) => (value === 'off' ? { every: 'off' } : value),
    z.discriminatedUnion(
      'every',
      [
        z.object({ every: z.literal('off') }),
        z.object({
          every: z.literal('day'),
          /** Local time of day, "HH:MM" (24-hour). */
          time,
          /** The IANA time zone the time is read in. */
          timeZone,
        }),
        z.object({
          every: z.literal('week'),
          /** Which day of the week. */
          day: z.enum(weekdays, { error: `must be one of ${weekdays.join(', ')}` }),
          time,
          timeZone,
        }),
        z.object({
          every: z.literal('month'),
          /** Day of the month, 1–28, so every month has it. */
          day: z
            .number({ error: 'must be a day of the month from 1 to 28' })
            .int({ error: 'must be a day of the month from 1 to 28' })
            .min(1, { error: 'must be a day of the month from 1 to 28' })
            .max(28, { error: 'must be a day of the month from 1 to 28 (so every month has it)' }),
          time,
          timeZone,
        }),
      ],
      { error: scheduleError },
    ),
  )
  .transform((schedule) => (schedule.every === 'off' ? ('off' as const) : schedule));

/** `content/newsletter.yaml`: the digest, its sender and its schedule. The file is optional. */
export const newsletterSchema = z.object({
  /** The newsletter's name, e.g. "The Hedgerow Weekly"; defaults to the site's name. */
  name: z.string().min(1, { error: 'must not be empty (leave it out to use the site name)' }).optional(),
  /** Who digests come from; defaults to `sender` in site.yaml. */
  sender: z
    .object({
      /** Display name, e.g. "Wren at The Hedgerow". */
      name: z.string().min(1),
      /** The From address; its domain must be verified with the email provider. */
      address: z.email({ error: 'must be an email address' }),
    })
    .optional(),
  /** Where replies to a digest go; defaults to `ownerEmail` in site.yaml. */
  replyTo: z.email({ error: 'must be an email address' }).optional(),
  /**
   * When digests go out by themselves: `off` (only when the owner sends one, the default,
   * so a community never emails everyone by surprise) or
   * `{ every: day | week | month, day, time: "HH:MM", timeZone }`, where `day` is a weekday
   * (monday…sunday) for `week` and 1–28 for `month`.
   */
  schedule: scheduleSchema.default('off'),
  /** What a digest holds. */
  digest: z
    .object({
      /** List the posts published since the last digest. */
      newPosts: z.boolean({ error: 'must be true or false' }).default(true),
      /** How many of the busiest discussion threads of the period to show, 0–10. */
      topThreads: z
        .number({ error: 'must be a whole number from 0 to 10' })
        .int({ error: 'must be a whole number from 0 to 10' })
        .min(0, { error: 'must be a whole number from 0 to 10' })
        .max(10, { error: 'must be a whole number from 0 to 10' })
        .default(3),
      /** A line from the creator at the top of every digest. */
      note: z.string().min(1).optional(),
    })
    .prefault({}),
  /** The subject line; may use {name}, {date}, {topPost} (the newest post’s title; with no post, the busiest thread anyone may read; else the date) and {count} (new posts). */
  subject: z
    .string()
    .min(1)
    .refine((template) => unknownPlaceholders(template).length === 0, {
      error: (issue) =>
        `uses ${unknownPlaceholders(String(issue.input))
          .map((name) => `{${name}}`)
          .join(', ')}, which is not a placeholder; use ${placeholderList}`,
    })
    .default('{name}: {topPost}'),
});

export type NewsletterFile = z.infer<typeof newsletterSchema>;
export type NewsletterSchedule = NewsletterFile['schedule'];

/** The newsletter's settings with every default filled in, from site.yaml where it says so. */
export interface NewsletterSettings {
  name: string;
  sender: { name: string; address: string };
  replyTo: string;
  schedule: NewsletterSchedule;
  digest: { newPosts: boolean; topThreads: number; note?: string };
  subject: string;
}

/** Fills what newsletter.yaml leaves out from site.yaml. */
export function resolveNewsletterSettings(file: NewsletterFile, site: Pick<Site, 'name' | 'sender' | 'ownerEmail'>): NewsletterSettings {
  return {
    name: file.name ?? site.name,
    sender: file.sender ?? site.sender,
    replyTo: file.replyTo ?? site.ownerEmail,
    schedule: file.schedule,
    digest: file.digest,
    subject: file.subject,
  };
}
