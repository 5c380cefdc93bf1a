/**
 * Raw SQL rows from either engine. `db.execute()` returns PGlite's `{ rows }` object
 * on one driver and postgres-js's row array on the other, so raw queries go through
 * here to be written once.
 */
import type { SQLWrapper } from 'drizzle-orm';
import type { Database } from './client.ts';

export async function executeRows<Row extends Record<string, unknown> = Record<string, unknown>>(
  db: Database,
  query: SQLWrapper | string,
): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  const rows = Array.isArray(result) ? result : (result as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new Error('db.execute() returned neither a row array nor { rows }: unknown driver.');
  return rows as Row[];
}
