/**
 * Discussions against a real database, on every engine: who may read and write where
 * (role × place access × action), what moderation does, and notifications that never
 * cross an access line.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { members, notifications, threads } from '../../db/schema.ts';
import type { Access } from '../../src/schemas/access.ts';
import { deleteReply, editReply, toggleReaction } from '../../src/server/discussions/change-message.ts';
import { hideReply, moderateThread, restrictMember } from '../../src/server/discussions/moderation.ts';
import { canReadPlace, type Place } from '../../src/server/discussions/place-access.ts';
import { checkPosting } from '../../src/server/discussions/posting-guard.ts';
import { addReply, postThread, startThread, type Author } from '../../src/server/discussions/write-message.ts';
import { findReply, findThread, loadThreadPage } from '../../src/server/discussions/thread-reading.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { grantTier } from '../../src/server/members/grants.ts';
import { entitledTiers } from '../../src/server/members/entitled-tiers.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

/** The tiers tiers.yaml declares in these tests. */
const declaredTiers = new Set(['naturalist', 'patron']);

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const space = (id: string, read: Access, post: Access): Extract<Place, { kind: 'space' }> => ({ kind: 'space', id, name: id, read, post });
const spaces = {
  open: space('open', 'public', 'members'),
  membersOnly: space('members-only', 'members', 'members'),
  paidOnly: space('paid-only', 'paid', 'paid'),
  patrons: space('patrons', ['patron'], ['patron']),
  readOnly: space('announcements', 'members', ['patron']),
};
const roles = ['anonymous', 'free', 'naturalist', 'patron', 'moderator'] as const;
type Role = (typeof roles)[number];

// What each role may do in each space: [read, write].
const expected: Record<keyof typeof spaces, Record<Role, [boolean, boolean]>> = {
  open: { anonymous: [true, false], free: [true, true], naturalist: [true, true], patron: [true, true], moderator: [true, true] },
  membersOnly: { anonymous: [false, false], free: [true, true], naturalist: [true, true], patron: [true, true], moderator: [true, true] },
  paidOnly: { anonymous: [false, false], free: [false, false], naturalist: [true, true], patron: [true, true], moderator: [true, true] },
  patrons: { anonymous: [false, false], free: [false, false], naturalist: [false, false], patron: [true, true], moderator: [true, true] },
  readOnly: { anonymous: [false, false], free: [true, false], naturalist: [true, false], patron: [true, true], moderator: [true, true] },
};

describe.each(engines)('discussions on $name', (engine) => {
  let handle: DatabaseHandle;
  const now = new Date('2026-06-01T12:00:00Z');
  const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const authors = {} as Record<Exclude<Role, 'anonymous'>, Author>;
  const as = (role: Role): Author | null => (role === 'anonymous' ? null : authors[role]);

  beforeAll(async () => {
    handle = await engine.open();
    const make = async (role: Exclude<Role, 'anonymous'>, tier?: string) => {
      const { member } = await ensureMember(handle.db, `${role}@example.com`);
      // Old enough members with the guidelines accepted: the matrix is about access, not pace.
      await handle.db
        .update(members)
        .set({ role: role === 'moderator' ? 'moderator' : 'member', handle: role, guidelinesAcceptedAt: now, createdAt: new Date('2026-01-01T00:00:00Z') })
        .where(eq(members.id, member.id));
      if (tier) await grantTier(handle.db, { email: member.email, tier, endsAt: null, grantedBy: 'test', note: '' }, new Date('2026-01-01T00:00:00Z'));
      authors[role] = { id: member.id, role: role === 'moderator' ? 'moderator' : 'member', tiers: await entitledTiers(handle.db, member.id, now, declaredTiers) };
    };
    await make('free');
    await make('naturalist', 'naturalist');
    await make('patron', 'patron');
    await make('moderator');
  });

  describe('the permission matrix', () => {
    // A day apart per case, so posting limits never stand in for access rules here.
    let day = 0;
    for (const [name, place] of Object.entries(spaces) as [keyof typeof spaces, Extract<Place, { kind: 'space' }>][]) {
      for (const role of roles) {
        const [mayRead, mayWrite] = expected[name][role];
        it(`${role} in ${name}: read ${mayRead}, start and reply ${mayWrite}`, async () => {
          day += 1;
          const at = (minutes: number) => later(day * 24 * 60 + minutes);
          const reader = as(role);
          expect(canReadPlace(reader, place)).toBe(mayRead);
          const started = await startThread(handle.db, { place, author: reader, title: `${role} in ${name}`, body: `Hello from ${role}.` }, at(0));
          expect(started.ok).toBe(mayWrite);
          if (!started.ok) expect(['sign_in_required', 'not_allowed_here']).toContain(started.reason);
          // Replying in a thread someone entitled started.
          const opener = await startThread(handle.db, { place, author: authors.moderator, title: `for ${role}`, body: `Opening for ${role} in ${name}.` }, at(1));
          if (!opener.ok) throw new Error(opener.message);
          const reply = await addReply(handle.db, { place, thread: opener.thread, parentId: null, author: reader, body: `A reply by ${role}.` }, at(2));
          expect(reply.ok).toBe(mayWrite);
        });
      }
    }
  });

  it('follows a post’s access for its discussion, and makes one thread per post', async () => {
    const paidPost: Extract<Place, { kind: 'post' }> = { kind: 'post', slug: 'tracks-in-the-mud', title: 'Tracks in the mud', access: 'paid' };
    const thread = await postThread(handle.db, paidPost, now);
    expect((await postThread(handle.db, paidPost, now)).id).toBe(thread.id);
    expect((await addReply(handle.db, { place: paidPost, thread, parentId: null, author: authors.free, body: 'Can I see this?' }, later(30))).ok).toBe(false);
    expect((await addReply(handle.db, { place: paidPost, thread, parentId: null, author: authors.naturalist, body: 'Lovely tracks.' }, later(31))).ok).toBe(true);
    expect(canReadPlace(authors.free, paidPost)).toBe(false);
  });

  it('nests replies to any depth, and refuses parents elsewhere, deleted parents and locked threads with reasons', async () => {
    const place = spaces.membersOnly;
    const started = await startThread(handle.db, { place, author: authors.free, title: 'Deep', body: 'Let us go deep.' }, later(40));
    if (!started.ok) throw new Error(started.message);
    let parentId: string | null = null;
    const chain: string[] = [];
    for (let depth = 0; depth < 8; depth++) {
      const author = depth % 2 === 0 ? authors.naturalist : authors.patron;
      const reply = await addReply(handle.db, { place, thread: started.thread, parentId, author, body: `Level ${depth}` }, later(41 + depth * 11));
      if (!reply.ok) throw new Error(reply.message);
      expect(reply.reply.depth).toBe(depth);
      parentId = reply.reply.id;
      chain.push(reply.reply.id);
    }
    const deepest = await findReply(handle.db, chain.at(-1) ?? '');
    expect(deepest?.path).toBe(chain.join('/'));

    const other = await startThread(handle.db, { place, author: authors.free, title: 'Other', body: 'Another thread.' }, later(200));
    if (!other.ok) throw new Error(other.message);
    const elsewhere = await addReply(handle.db, { place, thread: other.thread, parentId: chain[0] ?? null, author: authors.free, body: 'Cross-thread?' }, later(201));
    expect(elsewhere).toMatchObject({ ok: false, reason: 'parent_elsewhere' });

    const first = await findReply(handle.db, chain[0] ?? '');
    if (!first) throw new Error('missing');
    expect(await deleteReply(handle.db, authors.free, first, later(202))).toMatchObject({ ok: false });
    expect(await deleteReply(handle.db, authors.naturalist, first, later(202))).toEqual({ ok: true });
    expect(await addReply(handle.db, { place, thread: started.thread, parentId: first.id, author: authors.free, body: 'To a deleted one' }, later(203))).toMatchObject({ ok: false, reason: 'parent_deleted' });

    expect(await moderateThread(handle.db, authors.free, started.thread, 'lock', later(204))).toMatchObject({ ok: false });
    expect(await moderateThread(handle.db, authors.moderator, started.thread, 'lock', later(204))).toEqual({ ok: true });
    const locked = await findThread(handle.db, started.thread.id);
    if (!locked) throw new Error('missing');
    expect(await addReply(handle.db, { place, thread: locked, parentId: null, author: authors.free, body: 'Still open?' }, later(205))).toMatchObject({ ok: false, reason: 'thread_locked' });

    // The page keeps the deleted reply as a placeholder with its branch under it.
    const page = await loadThreadPage(handle.db, started.thread.id, { page: 1, perPage: 20, sort: 'oldest', maxDepth: 5, includeHidden: false });
    expect(page.rows.map((row) => row.id)).toContain(first.id);
    expect(page.rows.every((row) => row.depth <= 5)).toBe(true);
  });

  it('keeps typed text out of storage when refused, and edits keep the previous version', async () => {
    const place = spaces.membersOnly;
    for (const body of ['', '   ', 'x'.repeat(10_001), 'bad\u0000byte']) {
      const refused = await startThread(handle.db, { place, author: authors.free, title: 'Refused', body }, later(300));
      expect(refused.ok).toBe(false);
    }
    const started = await startThread(handle.db, { place, author: authors.free, title: 'Edits', body: 'Original text.' }, later(301));
    if (!started.ok) throw new Error(started.message);
    const reply = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: authors.patron, body: 'First *version*' }, later(302));
    if (!reply.ok) throw new Error(reply.message);
    expect(await editReply(handle.db, authors.free, reply.reply, 'Not mine', later(303))).toMatchObject({ ok: false });
    expect(await editReply(handle.db, authors.patron, reply.reply, 'Second version', later(303))).toEqual({ ok: true });
    const edited = await findReply(handle.db, reply.reply.id);
    expect(edited?.editedAt).toEqual(later(303));
    expect(edited?.bodyHtml).toContain('Second version');
    expect(await toggleReaction(handle.db, authors.free.id, reply.reply, 'thanks', later(304))).toBe('added');
    expect(await toggleReaction(handle.db, authors.free.id, reply.reply, 'thanks', later(305))).toBe('removed');
  });

  it('moderation: hiding, muting for a period and banning for good, with reasons', async () => {
    const place = spaces.open;
    const started = await startThread(handle.db, { place, author: authors.naturalist, title: 'Moderated', body: 'Be nice.' }, later(400));
    if (!started.ok) throw new Error(started.message);
    const rude = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: authors.free, body: 'Something rude' }, later(401));
    if (!rude.ok) throw new Error(rude.message);
    expect(await hideReply(handle.db, authors.moderator, rude.reply, true, later(402), 'rude')).toEqual({ ok: true });
    const visible = await loadThreadPage(handle.db, started.thread.id, { page: 1, perPage: 20, sort: 'oldest', maxDepth: 5, includeHidden: false });
    expect(visible.rows.map((row) => row.id)).not.toContain(rude.reply.id);

    await restrictMember(handle.db, authors.moderator, { memberId: authors.free.id, kind: 'mute', until: later(24 * 60 + 402), reason: 'cool off' }, later(402));
    const muted = await checkPosting(handle.db, authors.free.id, 'hash-1', later(403));
    expect(muted).toMatchObject({ allowed: false, reason: 'muted' });
    if (!muted.allowed) expect(muted.message).toMatch(/2026-06-0[23]/);
    expect((await checkPosting(handle.db, authors.free.id, 'hash-1', later(24 * 60 + 403))).allowed).toBe(true);

    await restrictMember(handle.db, authors.moderator, { memberId: authors.free.id, kind: 'ban', until: null, reason: 'spam' }, later(24 * 60 + 404));
    const banned = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: authors.free, body: 'Let me in' }, later(24 * 60 + 405));
    expect(banned).toMatchObject({ ok: false, reason: 'banned' });
  });

  it('never notifies across an access line: a mention from a patrons-only space reaches nobody outside it', async () => {
    const place = spaces.patrons;
    const started = await startThread(handle.db, { place, author: authors.patron, title: 'Secret plans', body: 'For patrons.' }, later(600));
    if (!started.ok) throw new Error(started.message);
    const reply = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: authors.moderator, body: 'Hey @free and @naturalist and @patron, look.' }, later(601));
    if (!reply.ok) throw new Error(reply.message);
    const sent = await handle.db.select().from(notifications).where(eq(notifications.replyId, reply.reply.id));
    expect(sent.map((row) => row.memberId).sort()).toEqual([authors.patron.id].sort());
    expect(sent[0]?.kind).toBe('mention');
    const [thread] = await handle.db.select().from(threads).where(eq(threads.id, started.thread.id));
    expect(thread?.replyCount).toBe(1);
  });
});
