/**
 * Which campaigns the /newsletter archive shows, and where the next digest's period
 * starts, on every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { campaigns } from '../../db/schema.ts';
import { findArchivedDigest, lastDigestUntil, listArchivedDigests } from '../../src/server/newsletter/digest/archive.ts';
import { fixturePlan } from '../unit/digest-fixture.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const plan = fixturePlan();
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9));
const withUntil = (day: number) => ({ ...plan, until: at(day).toISOString() });

describe.each(engines)('the digest archive on $name', (engine) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await engine.open();
    await handle.db.insert(campaigns).values([
      { id: 'sent-old', kind: 'digest', status: 'sent', subject: 'Old', plan: withUntil(2), createdBy: 'schedule', createdAt: at(2), startedAt: at(2) },
      { id: 'sent-new', kind: 'digest', status: 'sent', subject: 'New', plan: withUntil(9), createdBy: 'schedule', createdAt: at(9), startedAt: at(9) },
      { id: 'sending', kind: 'digest', status: 'sending', subject: 'Going out', plan: withUntil(16), createdBy: 'cli', createdAt: at(16), startedAt: at(16) },
      { id: 'test', kind: 'test', status: 'sent', subject: 'A test', plan: withUntil(17), createdBy: 'wren@hedgerow.example', createdAt: at(17), startedAt: at(17) },
      { id: 'scheduled', kind: 'digest', status: 'scheduled', subject: 'Later', plan: withUntil(23), createdBy: 'schedule', createdAt: at(18) },
      { id: 'canceled', kind: 'digest', status: 'canceled', subject: 'Never', plan: withUntil(30), createdBy: 'cli', createdAt: at(19) },
    ]);
  });

  it('lists digests that went out (or are going), newest first, and nothing else', async () => {
    const listed = await listArchivedDigests(handle.db);
    expect(listed.map((digest) => [digest.id, digest.subject, digest.sentAt.toISOString()])).toEqual([
      ['sending', 'Going out', at(16).toISOString()],
      ['sent-new', 'New', at(9).toISOString()],
      ['sent-old', 'Old', at(2).toISOString()],
    ]);
  });

  it('opens a listed digest with its plan, and no test, scheduled, canceled or unknown one', async () => {
    const found = await findArchivedDigest(handle.db, 'sent-new');
    expect(found?.plan.posts.map((post) => post.slug)).toEqual(plan.posts.map((post) => post.slug));
    expect(found?.plan.until).toBe(at(9).toISOString());
    for (const id of ['test', 'scheduled', 'canceled', 'nope', "'; drop table campaigns; --"]) expect(await findArchivedDigest(handle.db, id)).toBeUndefined();
  });

  it('starts the next period where the newest digest that was not canceled ends', async () => {
    expect((await lastDigestUntil(handle.db))?.toISOString()).toBe(at(23).toISOString());
  });
});
