/** `coterie members role`: moderators are made by the owner, on every engine. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { runCommand } from '../../src/server/cli/run-command.ts';
import { ensureMember, findMemberByEmail } from '../../src/server/members/ensure-member.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

describe.each(engines)('members role on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  const run = (argv: string[]) => runCommand(argv, { db: handle.db, tiers: [], now: new Date() });

  it('makes a member a moderator and back', async () => {
    await ensureMember(handle.db, 'robin@example.com');
    expect(await run(['members', 'role', 'Robin@Example.com', 'moderator'])).toMatchObject({ exitCode: 0, output: expect.stringContaining('now moderator (was member)') });
    expect((await findMemberByEmail(handle.db, 'robin@example.com'))?.role).toBe('moderator');
    expect(await run(['members', 'role', 'robin@example.com', 'moderator'])).toMatchObject({ exitCode: 0, output: expect.stringContaining('nothing changed') });
    expect((await run(['members', 'role', 'robin@example.com', 'member'])).exitCode).toBe(0);
    expect((await findMemberByEmail(handle.db, 'robin@example.com'))?.role).toBe('member');
  });

  it('refuses an unknown role, and someone who has never signed in', async () => {
    expect(await run(['members', 'role', 'robin@example.com', 'admin'])).toMatchObject({ exitCode: 2, output: expect.stringContaining('use moderator or member') });
    expect(await run(['members', 'role', 'stranger@example.com', 'moderator'])).toMatchObject({ exitCode: 1, output: expect.stringContaining('sign in once first') });
    expect(await findMemberByEmail(handle.db, 'stranger@example.com')).toBeUndefined();
  });
});
