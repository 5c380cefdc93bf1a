/**
 * Opens a Postgres server through postgres-js, checks that it answers, and applies
 * migrations under an advisory lock so several server processes starting together
 * never migrate at once.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { checkPostgresUrl, redactUrl } from './database-url.ts';
import { messageOf } from './error-message.ts';
import * as schema from './schema.ts';

/**
 * @param source what to call the URL in errors, e.g. "DATABASE_URL".
 */
export async function openPostgres(url: string, source: string, migrationsFolder: string | undefined) {
  checkPostgresUrl(url, source);
  const client = postgres(url, {
    // Migrations' "already exists, skipping" notices are noise in the server log.
    onnotice: () => {},
    connect_timeout: 10,
  });
  try {
    try {
      await client`select 1`;
    } catch (cause) {
      throw new Error(
        `Could not connect to the Postgres server in ${source} (${redactUrl(url)}): ${messageOf(cause)}. ` +
          `Check that the server is running and reachable and that the user, password and database in ${source} are right, ` +
          'or unset it to use the embedded database in ./data.',
        { cause },
      );
    }
    const db = drizzle({ client, schema });
    if (migrationsFolder !== undefined) {
      // The advisory lock lives on one reserved connection; drizzle migrates on the pool.
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(hashtext('coterie.migrations'))`;
        await migrate(db, { migrationsFolder });
      } catch (cause) {
        throw new Error(`Applying the migrations in ${migrationsFolder} to ${redactUrl(url)} failed: ${messageOf(cause)}`, {
          cause,
        });
      } finally {
        await reserved`select pg_advisory_unlock(hashtext('coterie.migrations'))`.catch(() => {});
        reserved.release();
      }
    }
    return {
      db,
      async close(): Promise<void> {
        await client.end({ timeout: 5 });
      },
    };
  } catch (error) {
    await client.end({ timeout: 0 }).catch(() => {});
    throw error;
  }
}
