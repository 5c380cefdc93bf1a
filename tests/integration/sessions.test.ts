/**
 * Sessions on the Lucia model against a real database, on every engine, with an injected
 * clock: expiry, refresh, sign-out, and access that follows grants at once.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { loginTokens, sessions } from '../../db/schema.ts';
import { canRead } from '../../src/server/access/can-read.ts';
import { identifyMember } from '../../src/server/auth/current-member.ts';
import { pruneExpired } from '../../src/server/auth/prune-expired.ts';
import { defaultSessionPolicy } from '../../src/server/auth/session-policy.ts';
import {
  createSession,
  invalidateMemberSession,
  invalidateMemberSessions,
  invalidateSession,
  listMemberSessions,
  validateSessionToken,
} from '../../src/server/auth/sessions.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { grantTier, revokeTier } from '../../src/server/members/grants.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const start = new Date('2026-03-01T09:00:00Z');
const hour = 60 * 60 * 1000;
const day = 24 * hour;
const at = (ms: number) => new Date(start.getTime() + ms);

describe.each(engines)('sessions on $name', (engine) => {
  let handle: DatabaseHandle;
  let memberId: string;
  beforeAll(async () => {
    handle = await engine.open();
    memberId = (await ensureMember(handle.db, 'sessions@example.com')).member.id;
  });

  it('accepts its own token and nothing close to it', async () => {
    const { token } = await createSession(handle.db, memberId, start, 'Firefox');
    expect((await validateSessionToken(handle.db, token, start)).valid).toBe(true);
    const [id, secret = ''] = token.split('.');
    const wrongLastChar = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    for (const forged of [wrongLastChar, `${id}.`, `${id}`, `${id}.${secret}.x`, '', 'x.y']) {
      expect((await validateSessionToken(handle.db, forged, start)).valid, forged).toBe(false);
    }
  });

  it('records activity at most hourly', async () => {
    const { token, session } = await createSession(handle.db, memberId, start);
    const soon = await validateSessionToken(handle.db, token, at(59 * 60 * 1000));
    expect(soon).toMatchObject({ valid: true });
    expect(soon.valid && soon.refreshedUntil).toBeFalsy();
    const later = await validateSessionToken(handle.db, token, at(hour));
    expect(later.valid && later.refreshedUntil).toEqual(at(hour + defaultSessionPolicy.inactivityTimeoutMs));
    const [row] = await handle.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row?.lastVerifiedAt).toEqual(at(hour));
  });

  it('ends after the inactivity timeout, and deletes the row', async () => {
    const { token, session } = await createSession(handle.db, memberId, start);
    expect((await validateSessionToken(handle.db, token, at(defaultSessionPolicy.inactivityTimeoutMs - 1))).valid).toBe(true);
    // That use recorded activity, so idleness counts from there.
    const lastUse = at(defaultSessionPolicy.inactivityTimeoutMs - 1);
    expect((await validateSessionToken(handle.db, token, new Date(lastUse.getTime() + defaultSessionPolicy.inactivityTimeoutMs))).valid).toBe(false);
    expect(await handle.db.select().from(sessions).where(eq(sessions.id, session.id))).toHaveLength(0);
  });

  it('ends at the absolute lifetime however active it is', async () => {
    const { token } = await createSession(handle.db, memberId, start);
    // Used every day for 29 days: still valid.
    for (let d = 1; d < 30; d++) expect((await validateSessionToken(handle.db, token, at(d * day))).valid).toBe(true);
    expect((await validateSessionToken(handle.db, token, at(30 * day))).valid).toBe(false);
  });

  it('signs out one session, one of mine only, or all of them', async () => {
    const other = (await ensureMember(handle.db, 'other@example.com')).member.id;
    const theirs = await createSession(handle.db, other, start);
    const a = await createSession(handle.db, memberId, start);
    const b = await createSession(handle.db, memberId, start);
    const c = await createSession(handle.db, memberId, start);

    expect(await invalidateMemberSession(handle.db, memberId, theirs.session.id)).toBe(false);
    expect((await validateSessionToken(handle.db, theirs.token, start)).valid).toBe(true);

    await invalidateSession(handle.db, a.session.id);
    expect((await validateSessionToken(handle.db, a.token, start)).valid).toBe(false);

    await invalidateMemberSessions(handle.db, memberId, c.session.id);
    expect((await validateSessionToken(handle.db, b.token, start)).valid).toBe(false);
    expect((await validateSessionToken(handle.db, c.token, start)).valid).toBe(true);

    await invalidateMemberSessions(handle.db, memberId);
    expect(await listMemberSessions(handle.db, memberId)).toHaveLength(0);
    expect((await validateSessionToken(handle.db, theirs.token, start)).valid).toBe(true);
  });

  it('grants and revokes change what a signed-in member may read at once', async () => {
    const { token } = await createSession(handle.db, memberId, start);
    const patronPost = { access: ['patron'] as string[] };
    const paidPost = { access: 'paid' as const };
    const reader = async (now: Date) => {
      const identified = await identifyMember(handle.db, token, now, new Set(['patron']));
      if (!identified.member) throw new Error('not signed in');
      return identified.member;
    };
    expect(canRead(await reader(start), patronPost)).toEqual({ allowed: false, reason: 'tier_required', tiers: ['patron'] });
    expect(canRead(await reader(start), paidPost).allowed).toBe(false);

    const granted = await grantTier(handle.db, { email: 'sessions@example.com', tier: 'patron', endsAt: at(2 * day), grantedBy: 'test', note: '' }, start);
    expect(granted.ok).toBe(true);
    expect(canRead(await reader(start), patronPost)).toEqual({ allowed: true, reason: 'tier_member' });
    expect(canRead(await reader(start), paidPost).allowed).toBe(true);
    // The grant runs out on its own…
    expect(canRead(await reader(at(2 * day)), patronPost).allowed).toBe(false);
    // …or is revoked.
    await revokeTier(handle.db, { email: 'sessions@example.com', tier: 'patron' }, at(hour));
    expect(canRead(await reader(at(hour)), patronPost).allowed).toBe(false);
  });

  it('deletes ended sessions and spent links, and keeps live ones', async () => {
    const memberId = (await ensureMember(handle.db, 'prune@example.com')).member.id;
    const old = await createSession(handle.db, memberId, start);
    const fresh = await createSession(handle.db, memberId, at(20 * day));
    await handle.db.insert(loginTokens).values([
      { tokenHash: 'old', codeHash: 'x', email: 'prune@example.com', expiresAt: at(10 * 60 * 1000) },
      { tokenHash: 'live', codeHash: 'x', email: 'prune@example.com', expiresAt: at(21 * day) },
    ]);
    await pruneExpired(handle.db, at(21 * day));
    const left = await listMemberSessions(handle.db, memberId);
    expect(left.map((session) => session.id)).toEqual([fresh.session.id]);
    expect(left.map((session) => session.id)).not.toContain(old.session.id);
    const tokens = await handle.db.select().from(loginTokens).where(eq(loginTokens.email, 'prune@example.com'));
    expect(tokens.map((token) => token.tokenHash)).toEqual(['live']);
  });
});
