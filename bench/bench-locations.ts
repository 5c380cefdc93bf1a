/**
 * Where a benchmark's server keeps its data, made fresh for one run and deleted after:
 * a new PGlite folder, or a new `coterie_bench_<random>` database on a Postgres server.
 * Unlike `bench-databases.ts`, nothing stays open: the benchmark seeds through its own
 * handle, closes it (PGlite allows one process per folder), then hands the location to
 * the site server it starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type DatabaseEngine, type DatabaseHandle } from '../db/client.ts';
import { redactUrl } from '../db/database-url.ts';
import { messageOf } from '../db/error-message.ts';
import { newId } from '../db/ids.ts';

export type BenchLocation = {
  engine: DatabaseEngine;
  /** What the site server needs: COTERIE_DATA_DIR for PGlite, DATABASE_URL for Postgres. */
  serverEnv: Record<string, string>;
  /** Opens (and migrates) a handle of our own; close it before the server starts. */
  open(): Promise<DatabaseHandle>;
  /** Process ids of the Postgres backends connected to this database now; none for PGlite. */
  backendPids(): Promise<number[]>;
  /** Deletes the folder or database. Safe to call twice. */
  drop(): Promise<void>;
};

export function freshPgliteLocation(): BenchLocation {
  const folder = mkdtempSync(join(tmpdir(), 'coterie-bench-'));
  const dataDir = join(folder, 'pglite');
  return {
    engine: 'pglite',
    serverEnv: { COTERIE_DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir }),
    backendPids: async () => [],
    drop: once(async () => rmSync(folder, { recursive: true, force: true })),
  };
}

export async function freshPostgresLocation(adminUrl: string): Promise<BenchLocation> {
  // newId() is lower-case letters and digits only, so the name needs no quoting tricks.
  const name = `coterie_bench_${newId()}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const asAdmin = async (statement: string, parameters: string[] = []) => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      return await admin.unsafe(statement, parameters);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  try {
    await asAdmin(`create database "${name}"`);
  } catch (cause) {
    throw new Error(
      `Could not create a database on the Postgres server at ${redactUrl(adminUrl)}: ${messageOf(cause)}. ` +
        'Start the server, pass --database-url, or run with --only pglite.',
      { cause },
    );
  }
  return {
    engine: 'postgres',
    serverEnv: { DATABASE_URL: url.toString() },
    open: () => openDatabase({ url: url.toString() }),
    backendPids: async () => (await asAdmin('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])).map((row) => Number(row.pid)),
    // force: a server that crashed must not keep the database alive.
    drop: once(async () => {
      await asAdmin(`drop database if exists "${name}" with (force)`);
    }),
  };
}

function once(run: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= run());
}
