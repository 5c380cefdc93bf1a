/**
 * Opens the embedded database: PGlite (Postgres compiled to WebAssembly) in one data
 * folder, behind the folder lock, with migrations applied.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { acquireDataLock } from './data-lock.ts';
import { messageOf } from './error-message.ts';
import { restrictToOwner } from './owner-only.ts';
import * as schema from './schema.ts';

// PGlite's in-memory folders are private to one instance, so they need no lock.
const memoryPrefix = 'memory://';

export async function openPglite(dataDir: string, migrationsFolder: string | undefined) {
  const lock = dataDir.startsWith(memoryPrefix) ? undefined : acquireDataLock(dataDir);
  let client: PGlite | undefined;
  try {
    try {
      client = await PGlite.create(dataDir);
    } catch (cause) {
      throw new Error(
        `Could not open the embedded database in ${dataDir}: ${messageOf(cause)}. ` +
          'If the folder was written by another program or PGlite version, move it aside to start fresh, ' +
          'or set DATABASE_URL to use a Postgres server.',
        { cause },
      );
    }
    if (lock) restrictToOwner(dataDir);
    const db = drizzle({ client, schema });
    if (migrationsFolder !== undefined) {
      try {
        await migrate(db, { migrationsFolder });
      } catch (cause) {
        throw new Error(`Applying the migrations in ${migrationsFolder} to ${dataDir} failed: ${messageOf(cause)}`, {
          cause,
        });
      }
    }
    const opened = client;
    return {
      db,
      async close(): Promise<void> {
        try {
          if (!opened.closed) await opened.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    // Never leave the folder locked, or open, behind a failed start.
    await client?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
