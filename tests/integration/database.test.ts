/**
 * The schema and migrations, on every engine: PGlite always, Postgres when
 * TEST_DATABASE_URL is set.
 */
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '../../db/client.ts';
import { executeRows } from '../../db/execute-rows.ts';
import { newId } from '../../db/ids.ts';
import { isCheckViolation, isUniqueViolation } from '../../db/postgres-errors.ts';
import { members, sessions } from '../../db/schema.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';
import type { TestEngine } from '../support/test-database.ts';

const allEngines: TestEngine[] = [];
/** A fresh database per engine for each describe block, all dropped after the file. */
function freshEngines(): TestEngine[] {
  const engines = testEngines();
  allEngines.push(...engines);
  return engines;
}
afterAll(() => cleanupEngines(allEngines));

const journal = JSON.parse(readFileSync(new URL('../../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: { tag: string }[];
};

describe.each(freshEngines())('migrations on $name', (engine) => {
  it('creates the tables on open, and opening again applies nothing twice', async () => {
    const bare = await engine.open({ migrate: false });
    expect(await tableExists(bare.db, 'members')).toBe(false);
    await bare.close();

    const first = await engine.open();
    for (const table of ['members', 'sessions', 'login_tokens']) {
      expect(await tableExists(first.db, table)).toBe(true);
    }
    const applied = await appliedMigrations(first.db);
    expect(applied).toHaveLength(journal.entries.length);
    await first.db.insert(members).values({ email: 'kept@example.com' });
    await first.close();

    // Re-running the init migration would fail on "relation already exists" or wipe rows.
    const again = await engine.open();
    expect(await appliedMigrations(again.db)).toEqual(applied);
    const kept = await again.db.select().from(members).where(eq(members.email, 'kept@example.com'));
    expect(kept).toHaveLength(1);
    await again.close();
  });
});

describe.each(freshEngines())('members and sessions on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });

  it('stores a member with an opaque id and the documented defaults', async () => {
    const [inserted] = await handle.db
      .insert(members)
      .values({ email: 'ada@example.com', name: 'Ada', handle: 'ada' })
      .returning();
    expect(inserted?.id).toMatch(/^[a-z2-7]{20}$/);

    const [read] = await handle.db.select().from(members).where(eq(members.email, 'ada@example.com'));
    expect(read).toEqual({
      id: inserted?.id,
      email: 'ada@example.com',
      handle: 'ada',
      name: 'Ada',
      role: 'member',
      guidelinesAcceptedAt: null,
      notificationEmails: true,
      emailVerifiedAt: null,
      newsletter: 'unsubscribed',
      createdAt: expect.any(Date),
    });
  });

  it('refuses a second member with the same email', async () => {
    await handle.db.insert(members).values({ email: 'twice@example.com' });
    const error = await errorOf(handle.db.insert(members).values({ email: 'twice@example.com' }));
    expect(isUniqueViolation(error, 'members_email_unique')).toBe(true);
    expect(await countMembers(handle.db, 'twice@example.com')).toBe(1);
  });

  it('refuses an email that is not lower-cased, so case cannot dodge uniqueness', async () => {
    const error = await errorOf(handle.db.insert(members).values({ email: 'Twice@Example.com' }));
    expect(isCheckViolation(error, 'members_email_lower_case_check')).toBe(true);
  });

  it('allows many members without a handle but not two with the same one', async () => {
    await handle.db.insert(members).values([{ email: 'nohandle1@example.com' }, { email: 'nohandle2@example.com' }]);
    await handle.db.insert(members).values({ email: 'grace@example.com', handle: 'grace' });
    const error = await errorOf(handle.db.insert(members).values({ email: 'other@example.com', handle: 'grace' }));
    expect(isUniqueViolation(error, 'members_handle_unique')).toBe(true);
  });

  it("rejects a role outside owner|moderator|member, such as 'admin'", async () => {
    // Raw SQL: the TypeScript types would not even let us write this through drizzle.
    const error = await errorOf(
      handle.db.execute(sql`insert into members (id, email, role) values (${newId()}, 'root@example.com', 'admin')`),
    );
    expect(isCheckViolation(error, 'members_role_check')).toBe(true);
    expect(await countMembers(handle.db, 'root@example.com')).toBe(0);

    await handle.db.insert(members).values({ email: 'mod@example.com', role: 'moderator' });
    expect(await countMembers(handle.db, 'mod@example.com')).toBe(1);
  });

  it('rejects an unknown newsletter state', async () => {
    const error = await errorOf(
      handle.db.execute(sql`insert into members (id, email, newsletter) values (${newId()}, 'n@example.com', 'maybe')`),
    );
    expect(isCheckViolation(error, 'members_newsletter_check')).toBe(true);
  });

  it("deleting a member deletes that member's sessions and no one else's", async () => {
    const [leaving] = await handle.db.insert(members).values({ email: 'leaving@example.com' }).returning();
    const [staying] = await handle.db.insert(members).values({ email: 'staying@example.com' }).returning();
    if (!leaving || !staying) throw new Error('insert returned no row');
    await handle.db.insert(sessions).values([
      { id: newId(), secretHash: 'a'.repeat(64), memberId: leaving.id },
      { id: newId(), secretHash: 'b'.repeat(64), memberId: leaving.id },
      { id: newId(), secretHash: 'c'.repeat(64), memberId: staying.id },
    ]);

    await handle.db.delete(members).where(eq(members.id, leaving.id));

    expect(await handle.db.select().from(sessions).where(eq(sessions.memberId, leaving.id))).toEqual([]);
    const left = await handle.db.select().from(sessions).where(eq(sessions.memberId, staying.id));
    expect(left.map((session) => session.secretHash)).toEqual(['c'.repeat(64)]);
  });
});

async function tableExists(db: Database, table: string): Promise<boolean> {
  const [row] = await executeRows<{ found: string | null }>(db, sql`select to_regclass(${`public.${table}`})::text as found`);
  return row?.found != null;
}

async function appliedMigrations(db: Database): Promise<unknown[]> {
  return executeRows(db, sql`select hash, created_at from drizzle.__drizzle_migrations order by id`);
}

async function countMembers(db: Database, email: string): Promise<number> {
  return (await db.select().from(members).where(eq(members.email, email))).length;
}

/** The error a query rejects with; fails the test if it succeeds. */
async function errorOf(query: PromiseLike<unknown>): Promise<unknown> {
  try {
    await query;
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail, but it succeeded');
}
