/**
 * A new, empty, migrated database per engine for one benchmark run, deleted afterwards:
 * PGlite in a fresh temp folder, Postgres in a freshly created, uniquely named database
 * on the server at `adminUrl` (as `tests/support/test-database.ts` does for tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type DatabaseEngine, type DatabaseHandle } from '../db/client.ts';
import { redactUrl } from '../db/database-url.ts';
import { messageOf } from '../db/error-message.ts';
import { newId } from '../db/ids.ts';

export type BenchDatabase = {
  engine: DatabaseEngine;
  handle: DatabaseHandle;
  /** How another process opens the same database (PGlite: after this handle is closed). */
  location: { dataDir: string } | { url: string };
  /** Closes the handle and deletes the folder or database. Safe to call twice. */
  drop(): Promise<void>;
};

export async function freshPglite(): Promise<BenchDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'coterie-bench-'));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    const dataDir = join(folder, 'pglite');
    const handle = await openDatabase({ dataDir });
    return { engine: 'pglite', handle, location: { dataDir }, drop: once(async () => handle.close().finally(remove)) };
  } catch (error) {
    remove();
    throw error;
  }
}

export async function freshPostgres(adminUrl: string): Promise<BenchDatabase> {
  // newId() is lower-case letters and digits only, so the name needs no quoting tricks.
  const name = `coterie_bench_${newId()}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const asAdmin = async (statement: string) => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await admin.unsafe(statement);
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
  // force: a connection a crashed pass left open must not keep the database alive.
  const dropDatabase = () => asAdmin(`drop database if exists "${name}" with (force)`);
  try {
    const handle = await openDatabase({ url: url.toString() });
    return { engine: 'postgres', handle, location: { url: url.toString() }, drop: once(async () => handle.close().finally(dropDatabase)) };
  } catch (error) {
    await dropDatabase().catch(() => {});
    throw error;
  }
}

function once(run: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= run());
}
