/**
 * "Download my data" against a real database: the member's own threads, replies (with
 * earlier versions, deleted and hidden ones too), reactions, reports and follows — and
 * nothing another member wrote.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { members } from '../../db/schema.ts';
import { exportMemberData } from '../../src/server/account/member-data-export.ts';
import { deleteReply, editReply, toggleReaction } from '../../src/server/discussions/change-message.ts';
import { reportReply } from '../../src/server/discussions/moderation.ts';
import type { Place } from '../../src/server/discussions/place-access.ts';
import { addReply, startThread, type Author } from '../../src/server/discussions/write-message.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const place: Extract<Place, { kind: 'space' }> = { kind: 'space', id: 'field-notes', name: 'Field notes', read: 'members', post: 'members' };

describe.each(engines)('member data export on $name', (engine) => {
  let handle: DatabaseHandle;
  const now = new Date('2026-06-01T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  async function author(name: string): Promise<Author> {
    const { member } = await ensureMember(handle.db, `${name}@example.com`);
    await handle.db.update(members).set({ handle: name, guidelinesAcceptedAt: now, createdAt: new Date('2026-01-01T00:00:00Z') }).where(eq(members.id, member.id));
    return { id: member.id, role: 'member', tiers: [] };
  }

  beforeAll(async () => {
    handle = await engine.open();
  });

  it("holds the member's threads, replies, reactions, reports and follows, and none of anyone else's words", async () => {
    const me = await author('exporter');
    const other = await author('neighbour');
    const theirs = await startThread(handle.db, { place, author: other, title: 'NEIGHBOUR TITLE', body: 'NEIGHBOUR OPENING' }, at(0));
    const mine = await startThread(handle.db, { place, author: me, title: 'My moth list', body: 'Moths seen in June.' }, at(1));
    if (!theirs.ok || !mine.ok) throw new Error('setting up failed');
    const theirReply = await addReply(handle.db, { place, thread: theirs.thread, parentId: null, author: other, body: 'NEIGHBOUR REPLY' }, at(2));
    if (!theirReply.ok) throw new Error(theirReply.message);
    const answer = await addReply(handle.db, { place, thread: theirs.thread, parentId: theirReply.reply.id, author: me, body: 'First version.' }, at(3));
    const regret = await addReply(handle.db, { place, thread: mine.thread, parentId: null, author: me, body: 'Something I took back.' }, at(4));
    if (!answer.ok || !regret.ok) throw new Error('setting up failed');
    expect(await editReply(handle.db, me, answer.reply, 'Second version.', at(5))).toEqual({ ok: true });
    expect(await deleteReply(handle.db, me, regret.reply, at(6))).toEqual({ ok: true });
    expect(await toggleReaction(handle.db, me.id, theirReply.reply, 'insightful', at(7))).toMatchObject({ ok: true });
    expect(await reportReply(handle.db, me.id, theirReply.reply, 'Off topic', at(8))).toEqual({ ok: true });
    // The neighbour's own activity on the member's things belongs to the neighbour.
    await toggleReaction(handle.db, other.id, answer.reply, 'thanks', at(9));
    await reportReply(handle.db, other.id, answer.reply, 'NEIGHBOUR REPORT', at(9));

    const data = await exportMemberData(handle.db, me.id, at(10));
    if (!data) throw new Error('no export');
    expect(data.threads).toEqual([
      { id: mine.thread.id, space: 'field-notes', title: 'My moth list', body: 'Moths seen in June.', createdAt: at(1), hiddenByModeratorAt: null },
    ]);
    expect(data.replies).toEqual([
      {
        id: answer.reply.id,
        threadId: theirs.thread.id,
        inReplyTo: theirReply.reply.id,
        body: 'Second version.',
        createdAt: at(3),
        editedAt: at(5),
        deletedAt: null,
        hiddenByModeratorAt: null,
        earlierVersions: [{ body: 'First version.', replacedAt: at(5) }],
      },
      {
        id: regret.reply.id,
        threadId: mine.thread.id,
        inReplyTo: null,
        body: 'Something I took back.',
        createdAt: at(4),
        editedAt: null,
        deletedAt: at(6),
        hiddenByModeratorAt: null,
        earlierVersions: [],
      },
    ]);
    expect(data.reactions).toEqual([{ replyId: theirReply.reply.id, kind: 'insightful', createdAt: at(7) }]);
    expect(data.reports).toEqual([{ replyId: theirReply.reply.id, reason: 'Off topic', state: 'open', createdAt: at(8) }]);
    expect(data.followedThreads.map((follow) => follow.threadId).sort()).toEqual([mine.thread.id, theirs.thread.id].sort());
    const text = JSON.stringify(data);
    for (const foreign of ['NEIGHBOUR TITLE', 'NEIGHBOUR OPENING', 'NEIGHBOUR REPLY', 'NEIGHBOUR REPORT', 'neighbour@example.com']) expect(text).not.toContain(foreign);
  });
});
