/**
 * Turns the schedule in newsletter.yaml into campaigns. Each slot is claimed by its
 * instant (`campaigns.slot` is unique), so two server processes ticking at the same
 * moment start one digest between them.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { campaigns } from '../../../db/schema.ts';
import type { DigestPlan } from './digest/plan.ts';
import { latestSlot, type Schedule } from './schedule.ts';
import { startCampaign, type StartedCampaign } from './start-campaign.ts';

export interface ScheduledDigestInput {
  schedule: Schedule;
  now: Date;
  /** Composes the digest for everything new since the last one. */
  compose: () => Promise<DigestPlan>;
  isEmpty: (plan: DigestPlan) => boolean;
  /**
   * How late a slot may still be sent: a server that was down at 09:00 sends at 10:00,
   * but one started on Friday does not send Monday's digest.
   */
  catchUpMs?: number;
}

export type ScheduledDigestOutcome = { kind: 'off' | 'not-due' | 'already-sent' | 'nothing-new' } | { kind: 'started'; campaign: StartedCampaign };

export async function startScheduledDigest(db: Database, input: ScheduledDigestInput): Promise<ScheduledDigestOutcome> {
  if (input.schedule === 'off') return { kind: 'off' };
  const slot = latestSlot(input.schedule, input.now);
  if (!slot || input.now.getTime() - slot.getTime() > (input.catchUpMs ?? 12 * 60 * 60_000)) return { kind: 'not-due' };
  const key = slot.toISOString();
  const [existing] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.slot, key));
  if (existing) return { kind: 'already-sent' };
  const plan = await input.compose();
  // Nothing new, nothing sent: checked again on the next tick, in case a post lands within the window.
  if (input.isEmpty(plan)) return { kind: 'nothing-new' };
  const campaign = await startCampaign(db, { kind: 'digest', plan, createdBy: 'schedule', slot: key }, input.now);
  return campaign.existing ? { kind: 'already-sent' } : { kind: 'started', campaign };
}
