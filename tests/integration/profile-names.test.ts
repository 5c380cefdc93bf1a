/**
 * Profile changes against a real database: a member cannot take the owner's or a
 * moderator's name or handle, nor a look-alike of them; staff keep their own.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '../../db/client.ts';
import { members } from '../../db/schema.ts';
import { updateProfile } from '../../src/server/account/profile.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));
const community = { name: 'The Hedgerow', ownerEmail: 'wren@hedgerow.example', senderName: 'Wren at The Hedgerow' };

describe.each(engines)('profile names on $name', (engine) => {
  let handle: DatabaseHandle;
  let db: Database;
  const ids = { owner: '', moderator: '', member: '' };

  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
    for (const [who, email, role, profile] of [
      ['owner', 'wren@hedgerow.example', 'owner', { name: 'Wren Ashby', handle: 'wren_a' }],
      ['moderator', 'moss@example.com', 'moderator', { name: 'Moss', handle: 'moss' }],
      ['member', 'fern@example.com', 'member', {}],
    ] as const) {
      const { member } = await ensureMember(db, email);
      await db.update(members).set({ role, ...profile }).where(eq(members.id, member.id));
      ids[who] = member.id;
    }
  });

  const profileOf = async (id: string) => (await db.select({ name: members.name, handle: members.handle }).from(members).where(eq(members.id, id)))[0];

  it("refuses a member the owner's handle, name, address name and look-alikes, and stores nothing", async () => {
    for (const [name, wanted] of [['', 'wren_a'], ['', 'wren'], ['', 'w_r_e_n'], ['Wren Ashby', ''], ['Wrеn Ashby', ''], ['', 'moss'], ['M0SS', ''], ['', 'the_hedgerow'], ['', 'admin_team']]) {
      const result = await updateProfile(db, ids.member, { name: name ?? '', handle: wanted ?? '' }, community);
      expect(result, `${name} @${wanted}`).toMatchObject({ ok: false, field: wanted ? 'handle' : 'name' });
    }
    expect(await profileOf(ids.member)).toEqual({ name: null, handle: null });
  });

  it('lets a member take an ordinary name, and staff their own', async () => {
    expect(await updateProfile(db, ids.member, { name: 'Fern Hollis', handle: 'fern' }, community)).toEqual({ ok: true });
    expect(await updateProfile(db, ids.owner, { name: 'Wren', handle: 'wren' }, community)).toEqual({ ok: true });
    expect(await updateProfile(db, ids.moderator, { name: 'Moss', handle: 'moss' }, community)).toEqual({ ok: true });
    expect(await profileOf(ids.owner)).toEqual({ name: 'Wren', handle: 'wren' });
  });

  it("refuses a moderator a look-alike of the owner's handle", async () => {
    expect(await updateProfile(db, ids.moderator, { name: 'Moss', handle: 'the_wren' }, community)).toMatchObject({ ok: false, field: 'handle' });
  });
});
