/**
 * The owner is whoever site.yaml's ownerEmail names: changing it hands ownership on, and
 * the previous owner goes back to the role they had before, on every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import type { LoginToken } from '../../db/schema.ts';
import { completeSignIn } from '../../src/server/auth/complete-sign-in.ts';
import { identifyMember } from '../../src/server/auth/current-member.ts';
import { runCommand } from '../../src/server/cli/run-command.ts';
import { loadModerationLog } from '../../src/server/discussions/moderation-queue.ts';
import { ensureMember, findMemberByEmail } from '../../src/server/members/ensure-member.ts';
import { matchOwnerToSite } from '../../src/server/members/owner-from-site.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const start = new Date('2026-04-01T09:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

/** A proved address, as the sign-in pages hand it over once a link or code checks out. */
function provedToken(email: string, now: Date): LoginToken {
  return { tokenHash: `hash-${email}-${now.getTime()}`, codeHash: 'x', email, purpose: 'sign_in', memberId: null, nextPath: '/', expiresAt: now, usedAt: now, createdAt: now };
}

describe.each(engines)('ownerEmail decides the owner on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  const signIn = async (email: string, ownerEmail: string, now: Date) => {
    const done = await completeSignIn(handle.db, provedToken(email, now), { ownerEmail, now, userAgent: 'test' });
    if (!done.ok) throw new Error(done.reason);
    return done;
  };
  const roleOf = async (email: string) => (await findMemberByEmail(handle.db, email))?.role;

  it('demotes the previous owner when ownerEmail names someone else, remembering a moderator, with an audit entry', async () => {
    const wren = await signIn('wren@hedgerow.example', 'wren@hedgerow.example', start);
    expect(wren.member.role).toBe('owner');
    await ensureMember(handle.db, 'robin@hedgerow.example');
    expect((await runCommand(['members', 'role', 'robin@hedgerow.example', 'moderator'], { db: handle.db, tiers: [], now: start })).exitCode).toBe(0);

    // site.yaml now names Robin: at the next start (or Robin's sign-in) Robin is owner and Wren a member.
    const changes = await matchOwnerToSite(handle.db, 'Robin@Hedgerow.example', minutes(1));
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'robin@hedgerow.example', from: 'moderator', to: 'owner' }),
        expect.objectContaining({ email: 'wren@hedgerow.example', from: 'owner', to: 'member' }),
      ]),
    );
    expect(changes).toHaveLength(2);
    expect(await roleOf('robin@hedgerow.example')).toBe('owner');
    expect(await roleOf('wren@hedgerow.example')).toBe('member');
    // Wren's open session loses owner rights on the next request, without signing out.
    expect((await identifyMember(handle.db, wren.session.token, minutes(2), new Set())).member?.role).toBe('member');

    // Back to Wren: Robin was a moderator before owning, so a moderator again.
    const back = await signIn('wren@hedgerow.example', 'wren@hedgerow.example', minutes(3));
    expect(back.member.role).toBe('owner');
    expect(await roleOf('robin@hedgerow.example')).toBe('moderator');

    const log = await loadModerationLog(handle.db);
    const ownerEntries = log.filter((entry) => entry.action === 'become-owner' || entry.action === 'leave-owner');
    // Oldest first; the two changes of one moment in either order. Staff views name each
    // person with the role they hold now: Wren is the owner again, Robin a moderator.
    const described = ownerEntries.map((entry) => `${entry.createdAt.toISOString()} ${entry.action} ${entry.target}: ${entry.detail}`).sort();
    expect(described).toEqual([
      `${start.toISOString()} become-owner wren@hedgerow.example · Owner: was member; ownerEmail in site.yaml names them`,
      `${minutes(1).toISOString()} become-owner robin@hedgerow.example · Moderator: was moderator; ownerEmail in site.yaml names them`,
      `${minutes(1).toISOString()} leave-owner wren@hedgerow.example · Owner: now member; ownerEmail in site.yaml names someone else`,
      `${minutes(3).toISOString()} become-owner wren@hedgerow.example · Owner: was member; ownerEmail in site.yaml names them`,
      `${minutes(3).toISOString()} leave-owner robin@hedgerow.example · Moderator: now moderator; ownerEmail in site.yaml names someone else`,
    ]);
    expect(new Set(ownerEntries.map((entry) => entry.actor))).toEqual(new Set(['ownerEmail in site.yaml']));
  });

  it('changes nothing and writes nothing when the roles already follow ownerEmail', async () => {
    const before = (await loadModerationLog(handle.db)).length;
    expect(await matchOwnerToSite(handle.db, 'wren@hedgerow.example', minutes(10))).toEqual([]);
    await signIn('robin@hedgerow.example', 'wren@hedgerow.example', minutes(11));
    expect(await roleOf('robin@hedgerow.example')).toBe('moderator');
    expect((await loadModerationLog(handle.db)).length).toBe(before);
  });

  it('lets an owner who moves their address away from ownerEmail go back to their role', async () => {
    await ensureMember(handle.db, 'heron@hedgerow.example');
    expect(await matchOwnerToSite(handle.db, 'heron@hedgerow.example', minutes(20))).toHaveLength(2);
    const heron = await findMemberByEmail(handle.db, 'heron@hedgerow.example');
    if (!heron) throw new Error('no heron');
    const moved = await completeSignIn(
      handle.db,
      { ...provedToken('grey.heron@hedgerow.example', minutes(21)), purpose: 'change_email', memberId: heron.id },
      { ownerEmail: 'heron@hedgerow.example', now: minutes(21), userAgent: 'test' },
    );
    expect(moved).toMatchObject({ ok: true, member: { email: 'grey.heron@hedgerow.example', role: 'member' } });
  });

  it('never makes or unmakes the owner from the command line', async () => {
    const context = { db: handle.db, tiers: [], now: minutes(30) };
    expect(await runCommand(['members', 'role', 'robin@hedgerow.example', 'owner'], context)).toMatchObject({
      exitCode: 2,
      output: expect.stringContaining('The owner is whoever ownerEmail in site.yaml names'),
    });
    await matchOwnerToSite(handle.db, 'wren@hedgerow.example', minutes(31));
    expect(await runCommand(['members', 'role', 'wren@hedgerow.example', 'member'], context)).toMatchObject({
      exitCode: 1,
      output: expect.stringContaining('wren@hedgerow.example is the owner.'),
    });
    expect(await roleOf('wren@hedgerow.example')).toBe('owner');
    expect(await roleOf('robin@hedgerow.example')).toBe('moderator');
  });
});
