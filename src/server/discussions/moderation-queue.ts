/**
 * The moderation page's data and its form actions: open reports, restrictions in
 * force, the audit log, and one entry point per intent, each calling the functions in
 * `moderation.ts` (which refuse anyone but staff and write the audit log).
 */
import { and, asc, desc, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../../../db/client.ts';
import { memberRestrictions, members, moderationLog, replies, reports, threads } from '../../../db/schema.ts';
import { parseEmail } from '../members/email-address.ts';
import { memberLabel } from '../members/member-label.ts';
import { hideReply, liftRestrictions, restrictMember, settleReport, type ModerationResult } from './moderation.ts';
import { replyExcerpt } from './notification-emails.ts';
import { isStaff } from './place-access.ts';
import { ownerActions } from '../auth/owner-role.ts';

type Actor = { id: string; role: 'owner' | 'moderator' | 'member' };
type Person = { id: string; email: string; name: string | null; handle: string | null; role: 'owner' | 'moderator' | 'member' };

/** How a member is named to staff: name and @handle, else the address, with their role if staff. */
function labelForStaff(person: Person | null | undefined): string {
  return person ? memberLabel(person, { audience: 'staff' }) : 'a deleted account';
}

export interface OpenReport {
  id: string;
  reason: string;
  createdAt: Date;
  reporter: string;
  replyId: string;
  threadId: string;
  threadTitle: string;
  author: string;
  excerpt: string;
  replyHidden: boolean;
  replyDeleted: boolean;
  /** `/t/<thread>/r/<reply>`. */
  permalink: string;
}

export async function loadOpenReports(db: Database, limit = 100): Promise<OpenReport[]> {
  const reporter = alias(members, 'reporter');
  const author = alias(members, 'author');
  const rows = await db
    .select({ report: reports, reply: replies, threadTitle: threads.title, reporter, author })
    .from(reports)
    .innerJoin(replies, eq(replies.id, reports.replyId))
    .innerJoin(threads, eq(threads.id, replies.threadId))
    .innerJoin(reporter, eq(reporter.id, reports.reporterId))
    .leftJoin(author, eq(author.id, replies.authorId))
    .where(eq(reports.state, 'open'))
    .orderBy(asc(reports.createdAt), asc(reports.id))
    .limit(limit);
  return rows.map(({ report, reply, threadTitle, reporter, author }) => ({
    id: report.id,
    reason: report.reason,
    createdAt: report.createdAt,
    reporter: labelForStaff(reporter),
    replyId: reply.id,
    threadId: reply.threadId,
    threadTitle,
    author: labelForStaff(author),
    excerpt: replyExcerpt(reply.bodyMarkdown, 300),
    replyHidden: reply.hiddenAt !== null,
    replyDeleted: reply.deletedAt !== null,
    permalink: `/t/${reply.threadId}/r/${reply.id}`,
  }));
}

export interface ActiveRestriction {
  id: string;
  memberId: string;
  member: string;
  kind: 'mute' | 'ban';
  /** Null: for good. */
  until: Date | null;
  reason: string;
  createdAt: Date;
  createdBy: string;
}

/** Restrictions not lifted and not yet ended. */
export async function loadActiveRestrictions(db: Database, now: Date): Promise<ActiveRestriction[]> {
  const creator = alias(members, 'creator');
  const rows = await db
    .select({ restriction: memberRestrictions, member: members, creator })
    .from(memberRestrictions)
    .innerJoin(members, eq(members.id, memberRestrictions.memberId))
    .leftJoin(creator, eq(creator.id, memberRestrictions.createdBy))
    .where(and(isNull(memberRestrictions.liftedAt), or(isNull(memberRestrictions.until), gt(memberRestrictions.until, now))))
    .orderBy(desc(memberRestrictions.createdAt));
  return rows.map(({ restriction, member, creator }) => ({
    id: restriction.id,
    memberId: member.id,
    member: labelForStaff(member),
    kind: restriction.kind,
    until: restriction.until,
    reason: restriction.reason,
    createdAt: restriction.createdAt,
    createdBy: labelForStaff(creator),
  }));
}

export interface LogEntry {
  id: string;
  action: string;
  actor: string;
  targetKind: string;
  /** The target named for people: a member's label, a thread's title… */
  target: string;
  /** Where the target can be seen, when it has a page. */
  href: string | undefined;
  detail: string;
  createdAt: Date;
}

/** Changes of owner are made by site.yaml, not by a person. */
function actorLabel(entry: { action: string; actorId: string | null }, actor: Person | null | undefined): string {
  const byConfig = entry.actorId === null && (entry.action === ownerActions.became || entry.action === ownerActions.left);
  return byConfig ? 'ownerEmail in site.yaml' : labelForStaff(actor);
}

/** The newest audit-log entries, targets resolved to names and links. */
export async function loadModerationLog(db: Database, limit = 100): Promise<LogEntry[]> {
  const actor = alias(members, 'actor');
  const rows = await db
    .select({ entry: moderationLog, actor })
    .from(moderationLog)
    .leftJoin(actor, eq(actor.id, moderationLog.actorId))
    .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
    .limit(limit);
  const idsOf = (kind: string) => [...new Set(rows.filter(({ entry }) => entry.targetKind === kind).map(({ entry }) => entry.targetId))];
  const [memberRows, threadRows, replyRows] = await Promise.all([
    idsOf('member').length > 0 ? db.select().from(members).where(inArray(members.id, idsOf('member'))) : Promise.resolve([]),
    idsOf('thread').length > 0 ? db.select({ id: threads.id, title: threads.title }).from(threads).where(inArray(threads.id, idsOf('thread'))) : Promise.resolve([]),
    idsOf('reply').length > 0 ? db.select({ id: replies.id, threadId: replies.threadId }).from(replies).where(inArray(replies.id, idsOf('reply'))) : Promise.resolve([]),
  ]);
  const memberById = new Map(memberRows.map((row) => [row.id, row]));
  const threadById = new Map(threadRows.map((row) => [row.id, row]));
  const replyById = new Map(replyRows.map((row) => [row.id, row]));
  return rows.map(({ entry, actor }) => {
    const base = { id: entry.id, action: entry.action, actor: actorLabel(entry, actor), targetKind: entry.targetKind, detail: entry.detail, createdAt: entry.createdAt };
    if (entry.targetKind === 'member') return { ...base, target: labelForStaff(memberById.get(entry.targetId)), href: undefined };
    if (entry.targetKind === 'thread') {
      const thread = threadById.get(entry.targetId);
      return { ...base, target: thread ? `“${thread.title}”` : 'a deleted thread', href: thread ? `/t/${thread.id}` : undefined };
    }
    if (entry.targetKind === 'reply') {
      const reply = replyById.get(entry.targetId);
      return { ...base, target: reply ? 'a reply' : 'a deleted reply', href: reply ? `/t/${reply.threadId}/r/${reply.id}` : undefined };
    }
    return { ...base, target: `${entry.targetKind} ${entry.targetId}`, href: undefined };
  });
}

export const restrictionPeriods = {
  '1d': { label: '1 day', ms: 24 * 60 * 60 * 1000 },
  '7d': { label: '7 days', ms: 7 * 24 * 60 * 60 * 1000 },
  '30d': { label: '30 days', ms: 30 * 24 * 60 * 60 * 1000 },
  forever: { label: 'For good', ms: null },
} as const;
export type RestrictionPeriod = keyof typeof restrictionPeriods;

function isPeriod(value: string): value is RestrictionPeriod {
  return Object.hasOwn(restrictionPeriods, value);
}

/** The member a moderator means by "@handle" or an email address. */
export async function findMemberByEmailOrHandle(db: Database, text: string): Promise<Person | undefined> {
  const wanted = text.trim();
  const columns = { id: members.id, email: members.email, name: members.name, handle: members.handle, role: members.role };
  if (wanted.startsWith('@') || !wanted.includes('@')) {
    const handle = wanted.replace(/^@/, '');
    if (!handle) return undefined;
    const [row] = await db.select(columns).from(members).where(eq(members.handle, handle));
    return row;
  }
  const email = parseEmail(wanted);
  if (!email) return undefined;
  const [row] = await db.select(columns).from(members).where(eq(members.email, email));
  return row;
}

export type ModerationIntent =
  | { intent: 'hide-and-resolve'; reportId: string }
  | { intent: 'dismiss'; reportId: string }
  | { intent: 'lift'; memberId: string }
  | { intent: 'restrict'; who: string; kind: string; period: string; reason: string };

/** What the page shows after a successful action, or why it failed (with the field to mark). */
export type IntentResult = { ok: true; done: string } | { ok: false; message: string; field?: 'who' | 'kind' | 'period' | 'reason' };

export const maxRestrictionReason = 500;

/** Parses a form's fields into an intent; unknown intents are undefined. */
export function parseModerationForm(form: { get(name: string): unknown }): ModerationIntent | undefined {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  switch (text('intent')) {
    case 'hide-and-resolve':
      return { intent: 'hide-and-resolve', reportId: text('report') };
    case 'dismiss':
      return { intent: 'dismiss', reportId: text('report') };
    case 'lift':
      return { intent: 'lift', memberId: text('member') };
    case 'restrict':
      return { intent: 'restrict', who: text('who'), kind: text('kind'), period: text('period'), reason: text('reason') };
    default:
      return undefined;
  }
}

export async function applyModerationIntent(db: Database, actor: Actor, input: ModerationIntent, now: Date): Promise<IntentResult> {
  const outcome = (result: ModerationResult, done: string): IntentResult => (result.ok ? { ok: true, done } : { ok: false, message: result.message });
  // Before any lookup, so a member cannot learn which addresses or reports exist.
  if (!isStaff(actor)) return { ok: false, message: 'Only moderators and the owner can do that.' };
  switch (input.intent) {
    case 'hide-and-resolve':
    case 'dismiss': {
      const [report] = await db.select().from(reports).where(eq(reports.id, input.reportId));
      if (!report) return { ok: false, message: 'That report no longer exists.' };
      if (input.intent === 'dismiss') return outcome(await settleReport(db, actor, report.id, 'dismissed', now), 'dismissed');
      const [reply] = await db.select().from(replies).where(eq(replies.id, report.replyId));
      if (!reply) return { ok: false, message: 'The reported reply no longer exists.' };
      const hidden = await hideReply(db, actor, reply, true, now, `reported: ${report.reason}`);
      if (!hidden.ok) return outcome(hidden, '');
      // Every open report about the hidden reply is settled by hiding it.
      const open = await db.select({ id: reports.id }).from(reports).where(and(eq(reports.replyId, reply.id), eq(reports.state, 'open')));
      for (const { id } of open) {
        const settled = await settleReport(db, actor, id, 'resolved', now);
        if (!settled.ok) return outcome(settled, '');
      }
      return { ok: true, done: 'hidden' };
    }
    case 'lift':
      return outcome(await liftRestrictions(db, actor, input.memberId, now), 'lifted');
    case 'restrict': {
      const reason = input.reason.trim();
      if (input.kind !== 'mute' && input.kind !== 'ban') return { ok: false, message: 'Choose mute or ban.', field: 'kind' };
      if (!isPeriod(input.period)) return { ok: false, message: 'Choose how long: 1 day, 7 days, 30 days or for good.', field: 'period' };
      if (reason.length > maxRestrictionReason) return { ok: false, message: `Keep the reason under ${maxRestrictionReason} characters.`, field: 'reason' };
      const member = await findMemberByEmailOrHandle(db, input.who);
      if (!member) return { ok: false, message: 'No member has that email address or @handle.', field: 'who' };
      // Moderators answer to the owner: they cannot silence each other or the owner.
      if (member.role === 'owner') return { ok: false, message: 'The owner cannot be muted or banned.', field: 'who' };
      if (member.role === 'moderator' && actor.role !== 'owner') return { ok: false, message: 'Only the owner can mute or ban a moderator.', field: 'who' };
      const { ms } = restrictionPeriods[input.period];
      const until = ms === null ? null : new Date(now.getTime() + ms);
      const result = await restrictMember(db, actor, { memberId: member.id, kind: input.kind, until, reason }, now);
      return result.ok ? { ok: true, done: input.kind === 'ban' ? 'banned' : 'muted' } : { ok: false, message: result.message, field: 'who' };
    }
  }
}
