/**
 * Complimentary grants through `coterie members …` and the data functions behind it, on
 * every engine, with the clock injected so expiry is tested at its exact instant.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { grants } from '../../db/schema.ts';
import { runCommand } from '../../src/server/cli/run-command.ts';
import { ensureMember, findMemberByEmail } from '../../src/server/members/ensure-member.ts';
import { grantTier, listMembers, grantedTiers } from '../../src/server/members/grants.ts';
import { cleanupEngines, testEngines, type TestEngine } from '../support/test-database.ts';

const engines = testEngines();
/** Engines made inside tests, for a database of their own. */
const extraEngines: TestEngine[] = [];
afterAll(() => cleanupEngines([...engines, ...extraEngines]));

const tiers = [
  { id: 'naturalist', name: 'Naturalist' },
  { id: 'patron', name: 'Field Patron' },
];
const now = new Date('2030-06-15T12:00:00Z');

describe.each(engines)('members grant, revoke and list on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  const run = (argv: string[], at: Date = now) => runCommand(argv, { db: handle.db, tiers, now: at });
  async function tiersOf(email: string, at: Date = now): Promise<string[]> {
    const member = await findMemberByEmail(handle.db, email);
    if (!member) throw new Error(`no member ${email}`);
    return grantedTiers(handle.db, member.id, at);
  }
  async function grantsOf(email: string) {
    const member = await findMemberByEmail(handle.db, email);
    if (!member) throw new Error(`no member ${email}`);
    return handle.db.select().from(grants).where(eq(grants.memberId, member.id));
  }

  it('creates the member and entitles them at once', async () => {
    expect(await findMemberByEmail(handle.db, 'newt@example.com')).toBeUndefined();
    const result = await run(['members', 'grant', ' Newt@Example.COM ', 'naturalist', '--note', 'pond survey helper']);
    expect(result).toEqual({ exitCode: 0, output: 'Granted naturalist to newt@example.com until revoked (new member).' });
    expect(await tiersOf('newt@example.com')).toEqual(['naturalist']);
    const [grant] = await grantsOf('newt@example.com');
    expect(grant).toMatchObject({ tier: 'naturalist', endsAt: null, revokedAt: null, grantedBy: 'cli', note: 'pond survey helper' });
  });

  it('refuses an end date in the past, and creates no one', async () => {
    const result = await run(['members', 'grant', 'late@example.com', 'naturalist', '--until', '2030-06-14']);
    expect(result.exitCode).toBe(1);
    expect(result.output).toBe('--until 2030-06-14 is in the past: access would end before it began. Give today (UTC) or a later day.');
    expect(await findMemberByEmail(handle.db, 'late@example.com')).toBeUndefined();
  });

  it('ends a grant exactly at the end of its last day (UTC)', async () => {
    const result = await run(['members', 'grant', 'wren@example.com', 'patron', '--until', '2030-06-15']);
    expect(result).toEqual({ exitCode: 0, output: 'Granted patron to wren@example.com until 2030-06-15 (new member).' });
    const end = new Date('2030-06-15T23:59:59.999Z');
    expect((await grantsOf('wren@example.com')).map((grant) => grant.endsAt)).toEqual([end]);
    expect(await tiersOf('wren@example.com', new Date(end.getTime() - 1))).toEqual(['patron']);
    expect(await tiersOf('wren@example.com', end)).toEqual([]);
  });

  it('moves the end of an active grant instead of adding a second one', async () => {
    await run(['members', 'grant', 'owl@example.com', 'naturalist', '--until', '2030-07-31']);
    const again = await run(['members', 'grant', 'owl@example.com', 'naturalist', '--until', '2030-12-31', '--note', 'extended']);
    expect(again).toEqual({ exitCode: 0, output: 'owl@example.com had naturalist until 2030-07-31; now until 2030-12-31.' });
    const rows = await grantsOf('owl@example.com');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ endsAt: new Date('2030-12-31T23:59:59.999Z'), note: 'extended' });
    expect(await tiersOf('owl@example.com', new Date('2030-09-01T00:00:00Z'))).toEqual(['naturalist']);

    const same = await run(['members', 'grant', 'owl@example.com', 'naturalist', '--until', '2030-12-31']);
    expect(same.output).toBe('owl@example.com already has naturalist until 2030-12-31; nothing changed.');
    expect(await grantsOf('owl@example.com')).toHaveLength(1);
  });

  it('starts a new grant once the old one has ended, keeping the old one as history', async () => {
    const first = await grantTier(handle.db, { email: 'moth@example.com', tier: 'patron', endsAt: new Date('2030-06-20T00:00:00Z'), grantedBy: 'cli', note: '' }, now);
    expect(first).toMatchObject({ ok: true, action: 'granted' });
    const later = new Date('2030-08-01T00:00:00Z');
    const second = await grantTier(handle.db, { email: 'moth@example.com', tier: 'patron', endsAt: null, grantedBy: 'cli', note: '' }, later);
    expect(second).toMatchObject({ ok: true, action: 'granted', memberCreated: false });
    expect(await grantsOf('moth@example.com')).toHaveLength(2);
    expect(await tiersOf('moth@example.com', later)).toEqual(['patron']);
  });

  it('revoke removes the tier at once and leaves other tiers alone', async () => {
    await run(['members', 'grant', 'vole@example.com', 'naturalist']);
    await run(['members', 'grant', 'vole@example.com', 'patron', '--until', '2031-01-01']);
    expect(await tiersOf('vole@example.com')).toEqual(['naturalist', 'patron']);

    const result = await run(['members', 'revoke', 'VOLE@example.com', 'patron']);
    expect(result).toEqual({ exitCode: 0, output: 'Revoked patron from vole@example.com.' });
    expect(await tiersOf('vole@example.com')).toEqual(['naturalist']);
    const patron = (await grantsOf('vole@example.com')).find((grant) => grant.tier === 'patron');
    expect(patron?.revokedAt).toEqual(now);
  });

  it('revoke reports an unknown member, an unknown tier and a tier not held', async () => {
    expect(await run(['members', 'revoke', 'nobody@example.com', 'patron'])).toEqual({
      exitCode: 1,
      output: 'No member has the address nobody@example.com.',
    });
    await run(['members', 'grant', 'toad@example.com', 'naturalist']);
    expect(await run(['members', 'revoke', 'toad@example.com', 'gold'])).toEqual({
      exitCode: 1,
      output: 'Unknown tier "gold". Tiers in tiers.yaml: naturalist (Naturalist), patron (Field Patron).',
    });
    expect(await run(['members', 'revoke', 'toad@example.com', 'patron'])).toEqual({
      exitCode: 1,
      output: 'toad@example.com has no active grant of patron: nothing to revoke.',
    });
    expect(await tiersOf('toad@example.com')).toEqual(['naturalist']);
  });

  it('grant refuses an unknown tier, naming the allowed ones, and a bad address', async () => {
    const unknown = await run(['members', 'grant', 'heron@example.com', 'gold']);
    expect(unknown).toEqual({ exitCode: 1, output: 'Unknown tier "gold". Tiers in tiers.yaml: naturalist (Naturalist), patron (Field Patron).' });
    expect(await findMemberByEmail(handle.db, 'heron@example.com')).toBeUndefined();
    expect(await run(['members', 'grant', 'heron.example.com', 'patron'])).toEqual({
      exitCode: 1,
      output: '"heron.example.com" is not an email address.',
    });
  });

  it('lists members with their active tiers, for people and for scripts', async () => {
    // A fresh database, so the listing holds exactly these members.
    const fresh = testEngines();
    extraEngines.push(...fresh);
    const own = fresh.find((other) => other.name === engine.name);
    if (!own) throw new Error(`no ${engine.name} engine`);
    const db = (await own.open()).db;
    const list = (argv: string[], at: Date) => runCommand(['members', 'list', ...argv], { db, tiers, now: at });

    expect(await list([], now)).toEqual({ exitCode: 0, output: 'No members yet.' });
    await runCommand(['members', 'grant', 'ada@example.com', 'patron', '--until', '2030-12-31'], { db, tiers, now });
    await runCommand(['members', 'grant', 'ada@example.com', 'naturalist'], { db, tiers, now });
    await runCommand(['members', 'grant', 'grace.hopper@example.com', 'naturalist', '--until', '2030-06-30'], { db, tiers, now });
    await runCommand(['members', 'grant', 'grace.hopper@example.com', 'patron'], { db, tiers, now });
    await runCommand(['members', 'revoke', 'grace.hopper@example.com', 'patron'], { db, tiers, now });

    const text = await list([], now);
    expect(text.exitCode).toBe(0);
    const day = (await listMembers(db, now))[0]?.createdAt.toISOString().slice(0, 10);
    expect(text.output).toBe(
      [
        'EMAIL                     NAME  HANDLE  ROLE    JOINED      TIERS',
        `ada@example.com           -     -       member  ${day}  naturalist, patron until 2030-12-31`,
        `grace.hopper@example.com  -     -       member  ${day}  naturalist until 2030-06-30`,
        '',
        '2 members',
      ].join('\n'),
    );

    // After grace's grant has ended, the listing says so at once.
    const json = JSON.parse((await list(['--json'], new Date('2030-07-01T00:00:00Z'))).output);
    expect(json.members.map((member: { email: string; tiers: unknown }) => [member.email, member.tiers])).toEqual([
      ['ada@example.com', [{ tier: 'naturalist', endsAt: null }, { tier: 'patron', endsAt: '2030-12-31T23:59:59.999Z' }]],
      ['grace.hopper@example.com', []],
    ]);
  });

  it('leaves one active grant when two grants of a tier arrive at once', async () => {
    // An existing member, so only the row lock (not the unique email) can keep the two apart.
    await ensureMember(handle.db, 'race@example.com');
    const request = { email: 'race@example.com', tier: 'naturalist', endsAt: null, grantedBy: 'cli', note: '' };
    const results = await Promise.all([grantTier(handle.db, request, now), grantTier(handle.db, request, now)]);
    expect(results.map((result) => result.ok && result.action).sort()).toEqual(['granted', 'unchanged']);
    expect(await grantsOf('race@example.com')).toHaveLength(1);
  });
});
