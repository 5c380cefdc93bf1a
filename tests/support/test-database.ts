/**
 * Real databases for integration tests, one per engine, so every test runs against
 * PGlite and (when TEST_DATABASE_URL is set) a Postgres server:
 *
 *   const engines = testEngines();
 *   afterAll(() => cleanupEngines(engines));
 *   describe.each(engines)('$name', (engine) => {
 *     let handle: DatabaseHandle;
 *     beforeAll(async () => { handle = await engine.open(); });
 *     it('…', async () => { await handle.db.insert(members)… });
 *   });
 *
 * Each engine's database is new and private to the testEngines() call: PGlite in a
 * fresh temp folder, Postgres in a freshly created, uniquely named database that
 * cleanup drops, so test files running in parallel never see each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../db/client.ts';
import type { DatabaseEngine, DatabaseHandle, OpenDatabaseOptions } from '../../db/client.ts';
import { checkPostgresUrl } from '../../db/database-url.ts';
import { newId } from '../../db/ids.ts';

export interface TestEngine {
  /** 'pglite' or 'postgres': use '$name' in describe.each titles. */
  readonly name: DatabaseEngine;
  /** What openDatabase() needs to reach this engine's database (without `migrate`). */
  readonly options: OpenDatabaseOptions;
  /**
   * Opens the database, creating it on first use; migrated unless `migrate: false`.
   * Every handle is closed by cleanup(), so tests may skip closing.
   */
  open(overrides?: { migrate?: boolean }): Promise<DatabaseHandle>;
  /** Closes every handle open() gave out and deletes the database. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** PGlite always; Postgres too when TEST_DATABASE_URL is set. */
export function testEngines(): TestEngine[] {
  const engines = [pgliteEngine()];
  const adminUrl = process.env.TEST_DATABASE_URL?.trim();
  if (adminUrl) engines.push(postgresEngine(checkPostgresUrl(adminUrl, 'TEST_DATABASE_URL')));
  return engines;
}

export async function cleanupEngines(engines: readonly TestEngine[]): Promise<void> {
  await Promise.all(engines.map((engine) => engine.cleanup()));
}

function pgliteEngine(): TestEngine {
  const folder = mkdtempSync(join(tmpdir(), 'coterie-test-'));
  return trackedEngine('pglite', { dataDir: join(folder, 'pglite') }, {
    async create() {},
    async destroy() {
      rmSync(folder, { recursive: true, force: true });
    },
  });
}

function postgresEngine(adminUrl: string): TestEngine {
  // newId() is lower-case letters and digits only, so the name needs no quoting tricks.
  const name = `coterie_test_${newId()}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const withAdmin = async (run: (sql: postgres.Sql) => Promise<unknown>) => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await run(admin);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  return trackedEngine('postgres', { url: url.toString() }, {
    create: () => withAdmin((sql) => sql.unsafe(`create database "${name}"`)),
    // force: a handle a failed test left open must not keep the database alive.
    destroy: () => withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)),
  });
}

interface Lifecycle {
  create(): Promise<void>;
  destroy(): Promise<void>;
}

function trackedEngine(name: DatabaseEngine, options: OpenDatabaseOptions, lifecycle: Lifecycle): TestEngine {
  const open = new Set<DatabaseHandle>();
  let created: Promise<void> | undefined;
  let cleaned: Promise<void> | undefined;
  return {
    name,
    options,
    async open(overrides = {}) {
      if (cleaned) throw new Error(`The ${name} test database was already cleaned up.`);
      created ??= lifecycle.create();
      await created;
      const handle = await openDatabase({ ...options, ...overrides });
      const tracked: DatabaseHandle = {
        db: handle.db,
        engine: handle.engine,
        async close() {
          if (!open.delete(tracked)) return;
          await handle.close();
        },
      };
      open.add(tracked);
      return tracked;
    },
    cleanup() {
      cleaned ??= (async () => {
        await Promise.allSettled([...open].map((handle) => handle.close()));
        if (created) await created.catch(() => {});
        await lifecycle.destroy();
      })();
      return cleaned;
    },
  };
}
