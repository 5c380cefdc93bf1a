/**
 * The one way to reach the database. Embedded PGlite in ./data/pglite by default;
 * a Postgres server when DATABASE_URL is set. Same schema, same migrations, same
 * query code: callers only ever see `Database`.
 */
import { join, resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { resolveMigrationsFolder } from './migrations-folder.ts';
import { openPostgres } from './open-postgres.ts';
import type * as schema from './schema.ts';

export type Schema = typeof schema;

/** Drizzle's common Postgres type: queries written against it run on either engine. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseEngine = 'pglite' | 'postgres';

export interface OpenDatabaseOptions {
  /** A postgres:// URL. Defaults to DATABASE_URL, unless `dataDir` is given. */
  url?: string;
  /** PGlite data folder. Defaults to <cwd>/data/pglite. Giving it selects PGlite even when DATABASE_URL is set. */
  dataDir?: string;
  /** Apply pending migrations from db/migrations before returning. Defaults to true. */
  migrate?: boolean;
}

export interface DatabaseHandle {
  readonly db: Database;
  readonly engine: DatabaseEngine;
  /** Closes connections and, for PGlite, releases the data-folder lock. */
  close(): Promise<void>;
}

/** COTERIE_DATA_DIR when set (a folder outside the checkout, say), else ./data/pglite. */
export function defaultDataDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.COTERIE_DATA_DIR?.trim();
  return configured ? resolve(cwd, configured) : join(cwd, 'data', 'pglite');
}

/**
 * Opens a new connection to the database. Most code wants the shared one from
 * `getDatabase()`; this is for scripts and tests that manage their own.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url !== undefined && options.dataDir !== undefined) {
    throw new Error('openDatabase takes a url (Postgres) or a dataDir (PGlite), not both.');
  }
  const fromEnv = options.url === undefined && options.dataDir === undefined;
  // An empty DATABASE_URL= line in a .env file means "not set".
  const url = (options.url ?? (fromEnv ? process.env.DATABASE_URL : undefined))?.trim() || undefined;
  const migrationsFolder = options.migrate === false ? undefined : resolveMigrationsFolder();

  if (url !== undefined) {
    const source = options.url === undefined ? 'DATABASE_URL' : 'the database URL';
    const { db, close } = await openPostgres(url, source, migrationsFolder);
    return { db, engine: 'postgres', close };
  }
  // Loaded only when used: importing PGlite costs a few hundred MB of memory, which a
  // server on Postgres should not carry.
  const { openPglite } = await import('./open-pglite.ts');
  const { db, close } = await openPglite(options.dataDir ?? defaultDataDir(), migrationsFolder);
  return { db, engine: 'pglite', close };
}

// On globalThis, not in a module variable: the start script and the Astro server
// bundle each load their own copy of this file, and must still share ONE PGlite.
// The slot holds the driver's own handle; callers get one whose close() clears the slot.
const slot = Symbol.for('coterie.database');
const store = globalThis as unknown as Record<symbol, Promise<DatabaseHandle> | undefined>;

/**
 * The process-wide database, opened (and migrated) on first use with the defaults.
 * Its `close()` is `closeDatabase()`.
 */
export async function getDatabase(): Promise<DatabaseHandle> {
  let opening = store[slot];
  if (opening === undefined) {
    const started = openDatabase();
    opening = started;
    store[slot] = started;
    // Let a later call try again (say, once the other process holding the folder stops).
    started.catch(() => {
      if (store[slot] === started) store[slot] = undefined;
    });
  }
  const { db, engine } = await opening;
  return { db, engine, close: closeDatabase };
}

/** Closes the process-wide database if it is open. Safe to call any number of times. */
export async function closeDatabase(): Promise<void> {
  const opening = store[slot];
  if (opening === undefined) return;
  store[slot] = undefined;
  let handle: DatabaseHandle;
  try {
    handle = await opening;
  } catch {
    return; // it never opened, so there is nothing to close
  }
  await handle.close();
}
