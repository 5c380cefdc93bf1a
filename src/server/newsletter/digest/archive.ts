/**
 * Past digests for the `/newsletter` archive: campaigns of kind 'digest' that went out
 * (or are going out). Tests to the owner and scheduled or canceled digests stay private.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../../../db/client.ts';
import { campaigns } from '../../../../db/schema.ts';
import type { DigestPlan } from './plan.ts';
import { parseStoredPlan } from './stored-plan.ts';

const published = and(eq(campaigns.kind, 'digest'), inArray(campaigns.status, ['sending', 'sent']));

export interface ArchivedDigest {
  id: string;
  subject: string;
  /** When it started going out. */
  sentAt: Date;
}

/** Newest first. */
export async function listArchivedDigests(db: Database): Promise<ArchivedDigest[]> {
  const sentAt = sql<Date>`coalesce(${campaigns.startedAt}, ${campaigns.createdAt})`.mapWith(campaigns.createdAt);
  const rows = await db.select({ id: campaigns.id, subject: campaigns.subject, sentAt }).from(campaigns).where(published).orderBy(desc(sentAt), desc(campaigns.id));
  return rows;
}

/** One archived digest with its plan; undefined for an unknown id or one that is not public. */
export async function findArchivedDigest(db: Database, id: string): Promise<(ArchivedDigest & { plan: DigestPlan }) | undefined> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.id, id), published));
  if (!row) return undefined;
  const parsed = parseStoredPlan(row.plan);
  if (!parsed.ok) throw new Error(`Campaign ${row.id}: ${parsed.reason}.`);
  return { id: row.id, subject: row.subject, sentAt: row.startedAt ?? row.createdAt, plan: parsed.plan };
}

/**
 * Where the next digest's period starts: the end of the newest digest that was not
 * canceled (scheduled ones count, so two digests never cover the same posts).
 */
export async function lastDigestUntil(db: Database): Promise<Date | undefined> {
  const [row] = await db
    .select({ until: sql<string | null>`${campaigns.plan} ->> 'until'` })
    .from(campaigns)
    .where(and(eq(campaigns.kind, 'digest'), inArray(campaigns.status, ['scheduled', 'sending', 'sent'])))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(1);
  const until = row?.until ? new Date(row.until) : undefined;
  return until && !Number.isNaN(until.getTime()) ? until : undefined;
}
