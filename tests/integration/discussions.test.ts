/**
 * Discussions against a real database, on every engine: who may read and write where
 * (role × place access × action), what moderation does, and notifications that never
 * cross an access line.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { members, notifications, reactions, reports, threadFollows, threads } from '../../db/schema.ts';
import type { Access } from '../../src/schemas/access.ts';
import { deleteReply, editReply, toggleReaction } from '../../src/server/discussions/change-message.ts';
import { updateProfile } from '../../src/server/account/profile.ts';
import { hideReply, liftRestrictions, moderateThread, reportReply, restrictMember } from '../../src/server/discussions/moderation.ts';
import { setFollowing } from '../../src/server/discussions/participation.ts';
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
    // A day apart per case, before every other test's posts, so posting limits never
    // stand in for access rules here (nor these posts count against the tests below).
    let day = 0;
    for (const [name, place] of Object.entries(spaces) as [keyof typeof spaces, Extract<Place, { kind: 'space' }>][]) {
      for (const role of roles) {
        const [mayRead, mayWrite] = expected[name][role];
        it(`${role} in ${name}: read ${mayRead}, start and reply ${mayWrite}`, async () => {
          day += 1;
          const at = (minutes: number) => later((day - 30) * 24 * 60 + minutes);
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
    expect(await toggleReaction(handle.db, authors.free.id, reply.reply, 'thanks', later(304))).toEqual({ ok: true, change: 'added' });
    expect(await toggleReaction(handle.db, authors.free.id, reply.reply, 'thanks', later(305))).toEqual({ ok: true, change: 'removed' });
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

  /** A member of its own for one test, old enough unless `joined` says otherwise, guidelines accepted. */
  async function freshAuthor(name: string, options: { joined?: Date; role?: 'member' | 'moderator' } = {}): Promise<Author> {
    const { member } = await ensureMember(handle.db, `${name}@example.com`);
    const role = options.role ?? 'member';
    await handle.db
      .update(members)
      .set({ role, handle: name, guidelinesAcceptedAt: now, createdAt: options.joined ?? new Date('2026-01-01T00:00:00Z') })
      .where(eq(members.id, member.id));
    return { id: member.id, role, tiers: [] };
  }

  describe.each(['ban', 'mute'] as const)('a %s for good stops every write', (kind) => {
    it(`refuses the ${kind === 'ban' ? 'banned' : 'muted'} member's edit, reaction, report, follow and profile change, stores none of them, and leaves staff free to act`, async () => {
      const place = spaces.open;
      const t = (minutes: number) => later((kind === 'ban' ? 2000 : 3000) + minutes);
      const restricted = await freshAuthor(`restricted_${kind}`);
      const other = await freshAuthor(`neighbour_${kind}`);
      const started = await startThread(handle.db, { place, author: other, title: `Before the ${kind}`, body: `All was calm before the ${kind}.` }, t(0));
      if (!started.ok) throw new Error(started.message);
      const own = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: restricted, body: 'My old words.' }, t(1));
      const theirs = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: other, body: 'Their words.' }, t(2));
      if (!own.ok || !theirs.ok) throw new Error('setting up failed');

      expect(await restrictMember(handle.db, authors.moderator, { memberId: restricted.id, kind, until: null, reason: 'test' }, t(3))).toEqual({ ok: true });
      const reason = kind === 'ban' ? 'banned' : 'muted';

      expect(await editReply(handle.db, restricted, own.reply, 'My new words.', t(4))).toMatchObject({ ok: false, reason });
      expect((await findReply(handle.db, own.reply.id))?.bodyMarkdown).toBe('My old words.');
      expect(await toggleReaction(handle.db, restricted.id, theirs.reply, 'agree', t(5))).toMatchObject({ ok: false, reason });
      expect(await reportReply(handle.db, restricted.id, theirs.reply, 'I do not like it', t(6))).toMatchObject({ ok: false, reason });
      expect(await setFollowing(handle.db, restricted.id, started.thread.id, true, t(7))).toMatchObject({ ok: false, reason });
      // Posting opened a follow: leaving is allowed, following again is not.
      expect(await setFollowing(handle.db, restricted.id, started.thread.id, false, t(7))).toEqual({ ok: true });
      const profile = await updateProfile(handle.db, restricted.id, { name: 'Fern Gully', handle: `fern_${kind}` }, { name: 'The Hedgerow', ownerEmail: 'wren@hedgerow.example', senderName: 'Wren' }, t(8));
      expect(profile).toMatchObject({ ok: false, field: 'name' });
      if (!profile.ok) expect(profile.message).toContain(`You are ${reason}`);
      // Deleting one's own message and reposting it: the delete is allowed, the repost is not.
      expect(await deleteReply(handle.db, restricted, own.reply, t(9))).toEqual({ ok: true });
      expect(await addReply(handle.db, { place, thread: started.thread, parentId: null, author: restricted, body: 'My new words.' }, t(10))).toMatchObject({ ok: false, reason });
      expect(await startThread(handle.db, { place, author: restricted, title: 'Again', body: 'My new words.' }, t(10))).toMatchObject({ ok: false, reason });

      const stored = {
        reactions: await handle.db.select().from(reactions).where(eq(reactions.memberId, restricted.id)),
        reports: await handle.db.select().from(reports).where(eq(reports.reporterId, restricted.id)),
        follows: await handle.db.select().from(threadFollows).where(eq(threadFollows.memberId, restricted.id)),
        profile: (await handle.db.select().from(members).where(eq(members.id, restricted.id)))[0],
      };
      expect(stored.reactions).toEqual([]);
      expect(stored.reports).toEqual([]);
      expect(stored.follows).toEqual([]);
      expect(stored.profile).toMatchObject({ name: null, handle: `restricted_${kind}` });

      // Staff, and other members, carry on: react, report, follow, edit their own, hide.
      expect(await toggleReaction(handle.db, authors.moderator.id, theirs.reply, 'agree', t(11))).toEqual({ ok: true, change: 'added' });
      expect(await toggleReaction(handle.db, other.id, theirs.reply, 'thanks', t(11))).toEqual({ ok: true, change: 'added' });
      expect(await editReply(handle.db, other, theirs.reply, 'Their words, edited.', t(12))).toEqual({ ok: true });
      expect(await setFollowing(handle.db, authors.moderator.id, started.thread.id, true, t(12))).toEqual({ ok: true });
      expect(await hideReply(handle.db, authors.moderator, theirs.reply, true, t(13))).toEqual({ ok: true });

      // Lifted, the same member may edit and react again.
      await liftRestrictions(handle.db, authors.moderator, restricted.id, t(14));
      const another = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: restricted, body: 'Back, politely.' }, t(15));
      if (!another.ok) throw new Error(another.message);
      expect(await editReply(handle.db, restricted, another.reply, 'Back, very politely.', t(16))).toEqual({ ok: true });
    });
  });

  it('takes a reaction back from a muted member, though it refuses a new one', async () => {
    const place = spaces.open;
    const t = (minutes: number) => later(4000 + minutes);
    const muted = await freshAuthor('takes_back');
    const writer = await freshAuthor('reacted_to');
    const started = await startThread(handle.db, { place, author: writer, title: 'Reactions', body: 'React to this reply.' }, t(0));
    if (!started.ok) throw new Error(started.message);
    const reply = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: writer, body: 'A reply to react to.' }, t(1));
    if (!reply.ok) throw new Error(reply.message);
    expect(await toggleReaction(handle.db, muted.id, reply.reply, 'thanks', t(2))).toEqual({ ok: true, change: 'added' });
    await restrictMember(handle.db, authors.moderator, { memberId: muted.id, kind: 'mute', until: t(60), reason: '' }, t(3));
    expect(await toggleReaction(handle.db, muted.id, reply.reply, 'agree', t(4))).toMatchObject({ ok: false, reason: 'muted' });
    expect(await toggleReaction(handle.db, muted.id, reply.reply, 'thanks', t(5))).toEqual({ ok: true, change: 'removed' });
    expect((await findReply(handle.db, reply.reply.id))?.reactionCount).toBe(0);
    // The mute had an end: from then on, reacting works again.
    expect(await toggleReaction(handle.db, muted.id, reply.reply, 'agree', t(60))).toEqual({ ok: true, change: 'added' });
  });

  describe('threads count against the posting limits', () => {
    it('refuses a new member a fourth thread within 10 minutes (3 is the new-member limit), and any after it', async () => {
      const start = later(5000);
      const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
      const newcomer = await freshAuthor('newcomer', { joined: start });
      for (let i = 0; i < 3; i++) {
        const opened = await startThread(handle.db, { place: spaces.open, author: newcomer, title: `Question ${i}`, body: `My question number ${i}.` }, at(i));
        expect(opened.ok, `thread ${i + 1}`).toBe(true);
      }
      for (let i = 3; i < 7; i++) {
        const refused = await startThread(handle.db, { place: spaces.open, author: newcomer, title: `Question ${i}`, body: `My question number ${i}.` }, at(3 + i / 10));
        expect(refused, `thread ${i + 1}`).toMatchObject({ ok: false, reason: 'too_fast' });
        if (!refused.ok) expect(refused.message).toContain('new members can (3 posts per 10 minutes)');
      }
      // Threads and replies share the limit: a reply now is refused too.
      const [first] = await handle.db.select().from(threads).where(eq(threads.authorId, newcomer.id));
      if (!first) throw new Error('missing');
      expect(await addReply(handle.db, { place: spaces.open, thread: first, parentId: null, author: newcomer, body: 'And a reply.' }, at(4))).toMatchObject({ ok: false, reason: 'too_fast' });
      expect(await handle.db.select().from(threads).where(eq(threads.authorId, newcomer.id))).toHaveLength(3);
      // Ten minutes after the first, one more is allowed.
      expect((await startThread(handle.db, { place: spaces.open, author: newcomer, title: 'Later', body: 'A later question.' }, at(10))).ok).toBe(true);
    });

    it('holds when the threads are sent all at once: three of eight are stored', async () => {
      const start = later(5500);
      const rusher = await freshAuthor('rusher', { joined: start });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => startThread(handle.db, { place: spaces.open, author: rusher, title: `Rush ${i}`, body: `Rushed thread ${i}.` }, start)),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(3);
      expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.reason)).toEqual(Array(5).fill('too_fast'));
      expect(await handle.db.select().from(threads).where(eq(threads.authorId, rusher.id))).toHaveLength(3);
    });

    it('refuses an established member an eleventh thread within 10 minutes', async () => {
      const start = later(6000);
      const regular = await freshAuthor('regular');
      for (let i = 0; i < 10; i++) {
        const opened = await startThread(handle.db, { place: spaces.open, author: regular, title: `Topic ${i}`, body: `Topic number ${i}.` }, new Date(start.getTime() + i * 30_000));
        expect(opened.ok, `thread ${i + 1}`).toBe(true);
      }
      const refused = await startThread(handle.db, { place: spaces.open, author: regular, title: 'Topic 10', body: 'Topic number 10.' }, new Date(start.getTime() + 5 * 60_000));
      expect(refused).toMatchObject({ ok: false, reason: 'too_fast' });
    });

    it('refuses the same thread twice, and a reply repeating a thread just opened', async () => {
      const start = later(7000);
      const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
      const repeater = await freshAuthor('repeater');
      const first = await startThread(handle.db, { place: spaces.open, author: repeater, title: 'Buy now', body: 'Cheap binoculars at example.com' }, at(0));
      if (!first.ok) throw new Error(first.message);
      const again = await startThread(handle.db, { place: spaces.membersOnly, author: repeater, title: 'Buy now!', body: 'Cheap  binoculars at EXAMPLE.com' }, at(1));
      expect(again).toMatchObject({ ok: false, reason: 'duplicate' });
      if (!again.ok) expect(again.message).toContain('You already posted this same text a moment ago');
      const asReply = await addReply(handle.db, { place: spaces.open, thread: first.thread, parentId: null, author: repeater, body: 'Cheap binoculars at example.com' }, at(2));
      expect(asReply).toMatchObject({ ok: false, reason: 'duplicate' });
    });

    it('gives the owner and moderators higher limits: a fourth reply in 10 minutes is accepted, even from a new account', async () => {
      const start = later(8000);
      const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
      const moderator = await freshAuthor('new_moderator', { joined: start, role: 'moderator' });
      const opened = await startThread(handle.db, { place: spaces.open, author: moderator, title: 'Welcome', body: 'Ask anything here.' }, at(0));
      if (!opened.ok) throw new Error(opened.message);
      for (let i = 1; i <= 6; i++) {
        const reply = await addReply(handle.db, { place: spaces.open, thread: opened.thread, parentId: null, author: moderator, body: `Answer number ${i}.` }, at(i));
        expect(reply.ok, `reply ${i}`).toBe(true);
      }
    });
  });

  it('refuses markdown nested too deep to show, storing nothing, for a thread, a reply and an edit', async () => {
    const place = spaces.open;
    const t = (minutes: number) => later(9000 + minutes);
    const writer = await freshAuthor('deep_writer');
    const deep = `Intro.\n\n${'>'.repeat(25)} hidden words`;
    expect(await startThread(handle.db, { place, author: writer, title: 'Deep', body: deep }, t(0))).toMatchObject({ ok: false, reason: 'too_deep' });
    const started = await startThread(handle.db, { place, author: writer, title: 'Shallow', body: 'Intro.' }, t(1));
    if (!started.ok) throw new Error(started.message);
    expect(await addReply(handle.db, { place, thread: started.thread, parentId: null, author: writer, body: deep }, t(2))).toMatchObject({ ok: false, reason: 'too_deep' });
    const reply = await addReply(handle.db, { place, thread: started.thread, parentId: null, author: writer, body: 'Plain.' }, t(3));
    if (!reply.ok) throw new Error(reply.message);
    expect(await editReply(handle.db, writer, reply.reply, deep, t(4))).toMatchObject({ ok: false, reason: 'too_deep' });
    expect((await findReply(handle.db, reply.reply.id))?.bodyMarkdown).toBe('Plain.');
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
