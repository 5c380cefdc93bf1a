/**
 * A DigestPlan read back from a campaign row (`campaigns.plan`, JSON): checked field by
 * field rather than cast, so a row written by an older version fails with a reason.
 */
import { z } from 'astro/zod';
import { accessSchema } from '../../../schemas/access.ts';
import type { DigestPlan } from './plan.ts';

const placeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('space'), id: z.string(), name: z.string(), read: accessSchema, post: accessSchema }),
  z.object({ kind: z.literal('post'), slug: z.string(), title: z.string(), access: accessSchema }),
]);

const planSchema = z.object({
  version: z.literal(1),
  newsletterName: z.string(),
  siteName: z.string(),
  siteUrl: z.string(),
  from: z.string(),
  replyTo: z.string().optional(),
  postalAddress: z.string(),
  subject: z.string(),
  since: z.string(),
  until: z.string(),
  note: z.string().optional(),
  language: z.string().optional(),
  timeZone: z.string().optional(),
  posts: z.array(
    z.object({
      slug: z.string(),
      title: z.string(),
      description: z.string(),
      date: z.string(),
      url: z.string(),
      access: accessSchema,
      delivery: z.enum(['full', 'summary']),
      teaserHtml: z.string(),
      teaserText: z.string(),
      fullHtml: z.string().optional(),
      fullText: z.string().optional(),
      unlockTier: z.object({ id: z.string(), name: z.string() }).optional(),
    }),
  ),
  threads: z.array(
    z.object({ id: z.string(), title: z.string(), url: z.string(), place: placeSchema, replies: z.number(), participants: z.number() }),
  ),
});

export type StoredPlanResult = { ok: true; plan: DigestPlan } | { ok: false; reason: string };

export function parseStoredPlan(value: unknown): StoredPlanResult {
  const parsed = planSchema.safeParse(value);
  if (parsed.success) return { ok: true, plan: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `the stored digest plan is not one this version reads (${issue?.path.join('.') || 'plan'}: ${issue?.message ?? 'invalid'})` };
}
