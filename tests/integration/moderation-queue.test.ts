/**
 * The moderation queue against a real database, on every engine: reports in and out of
 * the queue, mutes and bans that the posting guard then enforces, the audit log, and
 * members who are not staff refused at every door.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { memberRestrictions, members, moderationLog, replies, reports, threads, type Reply, type Thread } from '../../db/schema.ts';
import {
  applyModerationIntent,
  findMemberByEmailOrHandle,
  loadActiveRestrictions,
  loadModerationLog,
  loadOpenReports,
  parseModerationForm,
} from '../../src/server/discussions/moderation-queue.ts';
import { hideReply, liftRestrictions, moderateThread, reportReply, restrictMember, settleReport } from '../../src/server/discussions/moderation.ts';
import { checkPosting } from '../../src/server/discussions/posting-guard.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const minute = 60 * 1000;
const day = 24 * 60 * minute;
const start = new Date('2026-05-04T09:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

type Actor = { id: string; role: 'owner' | 'moderator' | 'member' };

describe.each(engines)('the moderation queue on $name', (engine) => {
  let handle: DatabaseHandle;
  let db: Database;
  let owner: Actor;
  let moderator: Actor;
  let writer: Actor;
  let reporter: Actor;
  let topic: Thread;

  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
    owner = await person('owner@example.com', 'owner', { name: 'Wren', handle: 'wren' });
    moderator = await person('mod@example.com', 'moderator', { name: 'Moss', handle: 'moss' });
    writer = await person('writer@example.com', 'member', { handle: 'loud' });
    reporter = await person('reporter@example.com', 'member', { name: 'Fern' });
    const [row] = await db.insert(threads).values({ spaceId: 'general', authorId: writer.id, title: 'Weekend walk', createdAt: start }).returning();
    if (!row) throw new Error('no thread');
    topic = row;
  });

  async function person(email: string, role: Actor['role'], profile: { name?: string; handle?: string } = {}): Promise<Actor> {
    const { member } = await ensureMember(db, email);
    await db.update(members).set({ role, guidelinesAcceptedAt: start, createdAt: at(-30 * day), ...profile }).where(eq(members.id, member.id));
    return { id: member.id, role };
  }

  async function reply(body: string, by: Actor = writer): Promise<Reply> {
    const id = newId();
    const [row] = await db
      .insert(replies)
      .values({ id, threadId: topic.id, rootId: id, path: id, depth: 0, authorId: by.id, bodyMarkdown: body, bodyHtml: '<p>rendered</p>', bodyHash: id, createdAt: start })
      .returning();
    if (!row) throw new Error('no reply');
    return row;
  }

  async function logFor(targetId: string): Promise<string[]> {
    return (await db.select().from(moderationLog).where(eq(moderationLog.targetId, targetId))).map((entry) => entry.action);
  }

  it('lists a report with what the moderator needs, and hiding the reply resolves every report on it', async () => {
    const rude = await reply('You are **all** wrong <script>x</script>');
    expect(await reportReply(db, reporter.id, rude, 'Insulting', at(minute))).toEqual({ ok: true });
    const second = await person('second@example.com', 'member');
    await reportReply(db, second.id, rude, 'Rude', at(2 * minute));

    const queued = (await loadOpenReports(db)).filter((report) => report.replyId === rude.id);
    expect(queued).toHaveLength(2);
    expect(queued[0]).toMatchObject({
      reason: 'Insulting',
      reporter: 'Fern',
      author: '@loud',
      threadTitle: 'Weekend walk',
      excerpt: 'You are all wrong x',
      permalink: `/t/${topic.id}/r/${rude.id}`,
      replyHidden: false,
    });

    const result = await applyModerationIntent(db, moderator, { intent: 'hide-and-resolve', reportId: queued[0]?.id ?? '' }, at(10 * minute));
    expect(result).toEqual({ ok: true, done: 'hidden' });
    const [hidden] = await db.select().from(replies).where(eq(replies.id, rude.id));
    expect(hidden?.hiddenAt).toEqual(at(10 * minute));
    const settled = await db.select().from(reports).where(eq(reports.replyId, rude.id));
    expect(settled.map((row) => [row.state, row.resolvedBy])).toEqual([
      ['resolved', moderator.id],
      ['resolved', moderator.id],
    ]);
    expect((await loadOpenReports(db)).some((report) => report.replyId === rude.id)).toBe(false);
    expect(await logFor(rude.id)).toEqual(['hide-reply']);
    for (const row of settled) expect(await logFor(row.id)).toEqual(['resolve-report']);
  });

  it('dismissing leaves the reply as it was', async () => {
    const fine = await reply('A perfectly fine opinion');
    await reportReply(db, reporter.id, fine, 'I disagree', at(minute));
    const [report] = (await loadOpenReports(db)).filter((row) => row.replyId === fine.id);
    expect(await applyModerationIntent(db, owner, { intent: 'dismiss', reportId: report?.id ?? '' }, at(5 * minute))).toEqual({ ok: true, done: 'dismissed' });
    const [row] = await db.select().from(replies).where(eq(replies.id, fine.id));
    expect(row?.hiddenAt).toBeNull();
    const [settled] = await db.select().from(reports).where(eq(reports.replyId, fine.id));
    expect(settled).toMatchObject({ state: 'dismissed', resolvedBy: owner.id, resolvedAt: at(5 * minute) });
    expect(await logFor(settled?.id ?? '')).toEqual(['dismiss-report']);
    expect(await applyModerationIntent(db, owner, { intent: 'dismiss', reportId: 'nosuchreport' }, at(6 * minute))).toMatchObject({ ok: false });
  });

  it('mutes for a period: the posting guard refuses with the time it ends, then lets the member post', async () => {
    const now = at(day);
    const form = new FormData();
    for (const [name, value] of Object.entries({ intent: 'restrict', who: '@loud', kind: 'mute', period: '7d', reason: 'Cooling off' })) form.set(name, value);
    const intent = parseModerationForm(form);
    expect(intent).toEqual({ intent: 'restrict', who: '@loud', kind: 'mute', period: '7d', reason: 'Cooling off' });
    expect(await applyModerationIntent(db, moderator, intent ?? { intent: 'lift', memberId: '' }, now)).toEqual({ ok: true, done: 'muted' });

    const ends = new Date(now.getTime() + 7 * day);
    const refused = await checkPosting(db, writer.id, 'hash-1', at(day + minute));
    expect(refused).toMatchObject({ allowed: false, reason: 'muted' });
    expect(refused.allowed === false && refused.message).toContain(`on ${ends.toISOString().slice(0, 10)} at ${ends.toISOString().slice(11, 16)} UTC`);
    expect(await checkPosting(db, writer.id, 'hash-1', ends)).toEqual({ allowed: true });

    const active = (await loadActiveRestrictions(db, at(day + minute))).filter((row) => row.memberId === writer.id);
    expect(active).toMatchObject([{ kind: 'mute', until: ends, reason: 'Cooling off', member: '@loud', createdBy: 'Moss (@moss) · Moderator' }]);
    expect(await loadActiveRestrictions(db, ends)).toEqual([]);
    expect(await logFor(writer.id)).toEqual(['mute']);
  });

  it('bans for good by email until lifted', async () => {
    const target = await person('troll@example.com', 'member', { handle: 'troll' });
    const now = at(2 * day);
    expect(await applyModerationIntent(db, owner, { intent: 'restrict', who: 'TROLL@example.com', kind: 'ban', period: 'forever', reason: 'Spam' }, now)).toEqual({ ok: true, done: 'banned' });
    const refused = await checkPosting(db, target.id, 'hash', at(400 * day));
    expect(refused).toMatchObject({ allowed: false, reason: 'banned' });
    expect(refused.allowed === false && refused.message).toBe('You are banned from posting here. A moderator can lift the ban.');
    expect((await loadActiveRestrictions(db, at(400 * day))).map((row) => [row.memberId, row.kind, row.until])).toEqual([[target.id, 'ban', null]]);

    expect(await applyModerationIntent(db, moderator, { intent: 'lift', memberId: target.id }, at(3 * day))).toEqual({ ok: true, done: 'lifted' });
    expect(await checkPosting(db, target.id, 'hash', at(3 * day))).toEqual({ allowed: true });
    const [record] = await db.select().from(memberRestrictions).where(eq(memberRestrictions.memberId, target.id));
    expect(record?.liftedAt).toEqual(at(3 * day));
    expect(await logFor(target.id)).toEqual(['ban', 'lift']);
  });

  it('refuses bad restriction input with the field to mark', async () => {
    const base = { intent: 'restrict' as const, who: '@loud', kind: 'mute', period: '7d', reason: '' };
    expect(await applyModerationIntent(db, moderator, { ...base, who: '@nobody' }, start)).toMatchObject({ ok: false, field: 'who' });
    expect(await applyModerationIntent(db, moderator, { ...base, who: 'not-an-email@' }, start)).toMatchObject({ ok: false, field: 'who' });
    expect(await applyModerationIntent(db, moderator, { ...base, kind: 'exile' }, start)).toMatchObject({ ok: false, field: 'kind' });
    expect(await applyModerationIntent(db, moderator, { ...base, period: '1y' }, start)).toMatchObject({ ok: false, field: 'period' });
    expect(await applyModerationIntent(db, moderator, { ...base, period: 'toString' }, start)).toMatchObject({ ok: false, field: 'period' });
    expect(await applyModerationIntent(db, moderator, { ...base, reason: 'x'.repeat(501) }, start)).toMatchObject({ ok: false, field: 'reason' });
    expect(await applyModerationIntent(db, moderator, { ...base, who: '@moss' }, start)).toMatchObject({ ok: false, message: 'Only the owner can mute or ban a moderator.' });
    expect(await applyModerationIntent(db, moderator, { ...base, who: '@wren' }, start)).toMatchObject({ ok: false, message: 'The owner cannot be muted or banned.' });
    expect(await findMemberByEmailOrHandle(db, 'loud')).toMatchObject({ id: writer.id });
  });

  it('refuses members who are not staff, before looking anything up, and changes nothing', async () => {
    const target = await reply('Target of a would-be moderator');
    await reportReply(db, reporter.id, target, 'Bad', start);
    const [report] = (await loadOpenReports(db)).filter((row) => row.replyId === target.id);
    const logBefore = (await db.select().from(moderationLog)).length;
    const notStaff = { ok: false, message: 'Only moderators and the owner can do that.' };

    for (const intent of [
      { intent: 'hide-and-resolve' as const, reportId: report?.id ?? '' },
      { intent: 'dismiss' as const, reportId: report?.id ?? '' },
      { intent: 'lift' as const, memberId: writer.id },
      { intent: 'restrict' as const, who: '@nobody', kind: 'ban', period: 'forever', reason: '' },
    ]) {
      expect(await applyModerationIntent(db, reporter, intent, start)).toEqual(notStaff);
    }
    expect(await hideReply(db, reporter, target, true, start)).toEqual(notStaff);
    expect(await settleReport(db, reporter, report?.id ?? '', 'dismissed', start)).toEqual(notStaff);
    expect(await restrictMember(db, reporter, { memberId: writer.id, kind: 'ban', until: null, reason: '' }, start)).toEqual(notStaff);
    expect(await liftRestrictions(db, reporter, writer.id, start)).toEqual(notStaff);
    expect(await moderateThread(db, reporter, topic, 'lock', start)).toEqual(notStaff);

    const [row] = await db.select().from(replies).where(eq(replies.id, target.id));
    expect(row?.hiddenAt).toBeNull();
    expect((await db.select().from(reports).where(eq(reports.replyId, target.id)))[0]?.state).toBe('open');
    expect((await db.select().from(threads).where(eq(threads.id, topic.id)))[0]?.locked).toBe(false);
    expect(await db.select().from(moderationLog)).toHaveLength(logBefore);
  });

  it('shows every action in the audit log, newest first, with who did it and to what', async () => {
    const log = await loadModerationLog(db);
    const actions = log.map((entry) => entry.action);
    for (const action of ['hide-reply', 'resolve-report', 'dismiss-report', 'mute', 'ban', 'lift']) expect(actions).toContain(action);
    const times = log.map((entry) => entry.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const mute = log.find((entry) => entry.action === 'mute');
    expect(mute).toMatchObject({ actor: 'Moss (@moss) · Moderator', target: '@loud', targetKind: 'member' });
    expect(mute?.detail).toContain('Cooling off');
    const hidden = log.find((entry) => entry.action === 'hide-reply');
    expect(hidden?.href).toMatch(new RegExp(`^/t/${topic.id}/r/[a-z0-9]+$`));
    expect(hidden?.detail).toBe('reported: Insulting');
    expect(await loadModerationLog(db, 2)).toHaveLength(2);
  });
});
