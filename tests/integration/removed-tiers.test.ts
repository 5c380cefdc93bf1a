/**
 * A tier deleted from tiers.yaml entitles nobody, whatever grants or subscriptions still
 * name it; an archived tier (still in the file) keeps its members' access. On every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { subscriptions } from '../../db/schema.ts';
import { canRead } from '../../src/server/access/can-read.ts';
import { identifyMember } from '../../src/server/auth/current-member.ts';
import { createSession } from '../../src/server/auth/sessions.ts';
import { entitledTiers } from '../../src/server/members/entitled-tiers.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { grantTier } from '../../src/server/members/grants.ts';
import { recipientReaders } from '../../src/server/newsletter/recipient-readers.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const now = new Date('2026-05-01T09:00:00Z');
const paidPost = { access: 'paid' as const };
// tiers.yaml lists naturalist (public) and founders (visibility: archived); "walkers" was deleted from it.
const declared = new Set(['naturalist', 'founders']);

describe.each(engines)('removed and archived tiers on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  const grant = (email: string, tier: string) => grantTier(handle.db, { email, tier, endsAt: null, grantedBy: 'test', note: '' }, now);

  it('a grant of a removed tier opens no paid post; one of an archived tier still does', async () => {
    await grant('walker@example.com', 'walkers');
    await grant('founder@example.com', 'founders');
    const walker = (await ensureMember(handle.db, 'walker@example.com')).member;
    const founder = (await ensureMember(handle.db, 'founder@example.com')).member;

    const readerOf = async (memberId: string) => {
      const { token } = await createSession(handle.db, memberId, now);
      const identified = await identifyMember(handle.db, token, now, declared);
      if (!identified.member) throw new Error('not signed in');
      return identified.member;
    };
    const walkerReader = await readerOf(walker.id);
    expect(walkerReader.tiers).toEqual([]);
    expect(canRead(walkerReader, paidPost)).toEqual({ allowed: false, reason: 'paid_required' });
    const founderReader = await readerOf(founder.id);
    expect(founderReader.tiers).toEqual(['founders']);
    expect(canRead(founderReader, paidPost)).toEqual({ allowed: true, reason: 'paid_member' });

    // The grant is kept: putting the tier back in tiers.yaml gives the access back.
    expect(await entitledTiers(handle.db, walker.id, now, new Set([...declared, 'walkers']))).toEqual(['walkers']);
  });

  it('a subscription to a removed tier entitles nobody either, in pages and in digests', async () => {
    const subscriber = (await ensureMember(handle.db, 'old-plan@example.com')).member;
    await handle.db.insert(subscriptions).values({
      id: 'sub_removed_tier',
      memberId: subscriber.id,
      customerId: 'cus_removed_tier',
      tier: 'walkers',
      priceId: 'price_walkers',
      status: 'active',
      currentPeriodEnd: new Date(now.getTime() + 30 * 86_400_000),
    });
    expect(await entitledTiers(handle.db, subscriber.id, now, declared)).toEqual([]);
    const founder = (await ensureMember(handle.db, 'founder@example.com')).member;
    const readers = await recipientReaders(handle.db, [{ id: subscriber.id, role: 'member' }, { id: founder.id, role: 'member' }], now, declared);
    expect(readers.get(subscriber.id)).toEqual({ role: 'member', tiers: [] });
    expect(canRead(readers.get(subscriber.id) ?? null, paidPost).allowed).toBe(false);
    expect(readers.get(founder.id)).toEqual({ role: 'member', tiers: ['founders'] });
  });
});
