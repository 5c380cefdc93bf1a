/**
 * What the owner does with the next digest, from /admin/newsletter or `coterie digest`:
 * preview it as any segment, send a test to themselves, send it to every subscriber,
 * schedule it, or cancel a scheduled one. Both shells load the digest and settings and
 * call these; the rules (what a time means, when sending is refused) live here once.
 */
import { createHash } from 'node:crypto';
import { and, count, eq, notExists, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, suppressions } from '../../../db/schema.ts';
import type { Tier } from '../../schemas/tier.ts';
import { digestPeriodEmpty } from './digest/compose-plan.ts';
import type { DigestPlan } from './digest/plan.ts';
import { previewReaders, type PreviewReader } from './digest/preview-readers.ts';
import { renderDigestEmail } from './digest/render-email.ts';
import { longDate } from './digest/subject.ts';
import { zonedInstant } from './schedule.ts';
import { cancelCampaign, startCampaign, type StartedCampaign } from './start-campaign.ts';

/** How far ahead a digest may be scheduled: further is far more likely a typo in the year. */
export const maxScheduleAheadDays = 366;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * The preview reader for a segment name: `free`, `staff`, a tier id, or `tier:<id>` as
 * previewReaders names them. Undefined for anything else.
 */
export function findPreviewReader(tiers: readonly Tier[], segment: string): PreviewReader | undefined {
  const readers = previewReaders(tiers);
  return readers.find((reader) => reader.id === segment) ?? readers.find((reader) => reader.id === `tier:${segment}`);
}

/** "free, naturalist, patron or staff": the segment names a person may type. */
export function segmentNames(tiers: readonly Tier[]): string {
  const names = ['free', ...tiers.map((tier) => tier.id), 'staff'];
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/**
 * The digest as one segment would receive it. Links that belong to a recipient (the
 * unsubscribe and preference links, the campaign in upgrade links) are stand-ins: a
 * preview is nobody's email.
 */
export function previewDigest(plan: DigestPlan, reader: PreviewReader): { subject: string; html: string; text: string } {
  const unsubscribe = new URL('/unsubscribe', plan.siteUrl).href;
  return renderDigestEmail(plan, reader.reader, { campaignId: 'preview', unsubscribeUrl: unsubscribe, preferencesUrl: unsubscribe });
}

/**
 * A short fingerprint of what a digest carries. The send form carries the one the owner
 * looked at; if a post lands between looking and sending, the digest composed at the
 * send differs and the owner is asked to look again rather than send unseen content.
 */
export function digestFingerprint(plan: DigestPlan): string {
  const parts = [plan.subject, plan.since, ...plan.posts.map((post) => `p:${post.slug}:${post.delivery}`), ...plan.threads.map((thread) => `t:${thread.id}`)];
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 16);
}

export const sendTimeExample = '2026-11-30 09:00';

/**
 * When to send, from what the owner typed: a wall-clock time in the newsletter's time
 * zone (`2026-11-30 09:00`, or `2026-11-30T09:00` as a datetime-local field sends it) or
 * an ISO instant with its offset (`2026-11-30T09:00:00Z`). Undefined when it is neither,
 * or names a day or time that does not exist.
 */
export function parseSendTime(text: string, timeZone: string): Date | undefined {
  const input = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::00)?$/.exec(input);
  if (local) {
    const [year, month, day, hour, minute] = local.slice(1).map(Number) as [number, number, number, number, number];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
    if (hour > 23 || minute > 59) return undefined;
    return zonedInstant({ year, month, day }, hour, minute, timeZone);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i.test(input)) return undefined;
  const instant = new Date(input);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** `2026-11-30 09:00` on the wall clock of `timeZone`. */
export function formatWallClock(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((found) => found.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** Subscribers a digest sent now would go to: subscribed and not suppressed (as start-campaign.ts chooses). */
export async function countSubscribers(db: Database): Promise<number> {
  const notSuppressed = notExists(db.select({ one: sql`1` }).from(suppressions).where(eq(suppressions.email, members.email)));
  const [row] = await db.select({ count: count() }).from(members).where(and(eq(members.newsletter, 'subscribed'), notSuppressed));
  return row?.count ?? 0;
}

export type DigestRequest =
  | { kind: 'test'; owner: { id: string } }
  | { kind: 'send' }
  | { kind: 'schedule'; at: Date; timeZone: string };

export type DigestStart = { ok: true; campaign: StartedCampaign } | { ok: false; reason: 'nothing_new' | 'no_subscribers' | 'past' | 'too_far'; message: string };

/**
 * Starts a test, a send or a scheduled send of `plan`. Refused when the period has
 * nothing new, nobody is subscribed, or a scheduled time is past or implausibly far (a
 * scheduled digest chooses its recipients when it goes). The sender in the server
 * process picks the campaign up within seconds.
 */
export async function startDigest(db: Database, plan: DigestPlan, request: DigestRequest, { createdBy, now }: { createdBy: string; now: Date }): Promise<DigestStart> {
  if (digestPeriodEmpty(plan)) {
    const since = longDate(new Date(plan.since), plan.language ?? 'en', plan.timeZone ?? 'UTC');
    return { ok: false, reason: 'nothing_new', message: `Nothing is new since the last digest (${since}): no new posts and no discussions, so there is nothing to send.` };
  }
  if (request.kind === 'send' && (await countSubscribers(db)) === 0) {
    return { ok: false, reason: 'no_subscribers', message: 'Nobody is subscribed to the newsletter yet, so there is nobody to send it to.' };
  }
  if (request.kind === 'schedule') {
    const zone = `${formatWallClock(request.at, request.timeZone)} ${request.timeZone}`;
    if (request.at.getTime() <= now.getTime()) {
      return { ok: false, reason: 'past', message: `${zone} has already passed: choose a later time, or send the digest now.` };
    }
    if (request.at.getTime() - now.getTime() > maxScheduleAheadDays * dayMs) {
      return { ok: false, reason: 'too_far', message: `${zone} is more than a year away: check the year.` };
    }
  }
  const campaign = await startCampaign(
    db,
    {
      kind: request.kind === 'test' ? 'test' : 'digest',
      plan,
      createdBy,
      ...(request.kind === 'schedule' ? { scheduledFor: request.at } : {}),
      ...(request.kind === 'test' ? { onlyMemberId: request.owner.id } : {}),
    },
    now,
  );
  return { ok: true, campaign };
}

/** Cancels a scheduled campaign; false when it has started already, was canceled, or never existed. */
export function cancelScheduledDigest(db: Database, campaignId: string): Promise<boolean> {
  return cancelCampaign(db, campaignId);
}

/** What a form on /admin/newsletter asks for. `digest` is the fingerprint of the digest the owner saw. */
export type NewsletterIntent =
  | { intent: 'test'; digest: string }
  | { intent: 'send'; digest: string }
  | { intent: 'schedule'; digest: string; when: string }
  | { intent: 'cancel'; campaign: string };

/** The intent of a posted form, or undefined for a form this page never made. */
export function parseNewsletterForm(form: { get(name: string): unknown }): NewsletterIntent | undefined {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const intent = text('intent');
  const digest = text('digest');
  if (intent === 'cancel') return text('campaign') ? { intent, campaign: text('campaign') } : undefined;
  if (digest === '') return undefined;
  if (intent === 'test' || intent === 'send') return { intent, digest };
  if (intent === 'schedule') return { intent, digest, when: text('when') };
  return undefined;
}
