/**
 * The busiest threads of a digest's period, on every engine: counted from replies in
 * (since, until] only, with hidden threads and hidden or deleted replies left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { members, replies, threads } from '../../db/schema.ts';
import { topThreads } from '../../src/server/newsletter/digest/top-threads.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const since = new Date('2026-11-16T09:00:00Z');
const until = new Date('2026-11-23T09:00:00Z');
const inPeriod = (hours: number) => new Date(since.getTime() + hours * 3_600_000);

describe.each(engines)('top threads on $name', (engine) => {
  let handle: DatabaseHandle;
  let replyNumber = 0;

  const reply = (threadId: string, authorId: string | null, createdAt: Date, extra: { deletedAt?: Date; hiddenAt?: Date } = {}) => {
    replyNumber += 1;
    const id = `r${replyNumber}`;
    return { id, threadId, rootId: id, path: id, depth: 0, authorId, bodyMarkdown: 'Hello', bodyHtml: '<p>Hello</p>', bodyHash: id, createdAt, ...extra };
  };

  beforeAll(async () => {
    handle = await engine.open();
    await handle.db.insert(members).values(['a', 'b', 'c'].map((name) => ({ id: name, email: `${name}@example.com` })));
    await handle.db.insert(threads).values([
      { id: 'busy', spaceId: 'field-notes', title: 'Busy' },
      { id: 'quiet', spaceId: 'field-notes', title: 'Quiet' },
      { id: 'post', postSlug: 'first-frost-walk', title: 'A first frost walk' },
      { id: 'hidden', spaceId: 'field-notes', title: 'Hidden', hiddenAt: inPeriod(1) },
      { id: 'old', spaceId: 'field-notes', title: 'Old news' },
      { id: 'tie-late', spaceId: 'id-help', title: 'Tie, talked in later' },
    ]);
    await handle.db.insert(replies).values([
      // busy: 4 counted replies from 2 people; a deleted and a hidden one do not count.
      reply('busy', 'a', inPeriod(1)),
      reply('busy', 'a', inPeriod(2)),
      reply('busy', 'b', inPeriod(3)),
      reply('busy', 'b', until),
      reply('busy', 'c', inPeriod(4), { deletedAt: inPeriod(5) }),
      reply('busy', 'c', inPeriod(4), { hiddenAt: inPeriod(5) }),
      // post: 2 replies, one by a deleted account (no author), one on the `since` boundary (not counted).
      reply('post', null, inPeriod(10)),
      reply('post', 'c', inPeriod(11)),
      reply('post', 'a', since),
      // tie-late: 2 replies too, but more recent than post's.
      reply('tie-late', 'a', inPeriod(20)),
      reply('tie-late', 'b', inPeriod(21)),
      // quiet: 1 reply.
      reply('quiet', 'c', inPeriod(30)),
      // hidden thread: many replies, never shown.
      ...[1, 2, 3, 4, 5, 6].map((n) => reply('hidden', 'a', inPeriod(n))),
      // old: replies before the period and after it.
      reply('old', 'a', new Date(since.getTime() - 1000)),
      reply('old', 'b', new Date(until.getTime() + 1000)),
      reply('old', 'c', new Date(until.getTime() + 2000)),
    ]);
  });

  it('ranks by replies in the period, ties to the one talked in last, with people counted once', async () => {
    const found = await topThreads(handle.db, { since, until, limit: 10 });
    expect(found).toEqual([
      { id: 'busy', title: 'Busy', spaceId: 'field-notes', postSlug: null, replies: 4, participants: 2 },
      { id: 'tie-late', title: 'Tie, talked in later', spaceId: 'id-help', postSlug: null, replies: 2, participants: 2 },
      { id: 'post', title: 'A first frost walk', spaceId: null, postSlug: 'first-frost-walk', replies: 2, participants: 1 },
      { id: 'quiet', title: 'Quiet', spaceId: 'field-notes', postSlug: null, replies: 1, participants: 1 },
    ]);
  });

  it('takes at most `limit`, and nothing for 0', async () => {
    expect((await topThreads(handle.db, { since, until, limit: 2 })).map((thread) => thread.id)).toEqual(['busy', 'tie-late']);
    expect(await topThreads(handle.db, { since, until, limit: 0 })).toEqual([]);
  });

  it('finds nothing in a period without replies', async () => {
    expect(await topThreads(handle.db, { since: new Date('2025-01-01T00:00:00Z'), until: new Date('2025-02-01T00:00:00Z'), limit: 3 })).toEqual([]);
  });
});
