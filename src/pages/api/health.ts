/**
 * `GET /api/health`: 200 while the server answers and its database does. For load
 * balancers and uptime checks; `npm start` also calls it once so the background jobs,
 * which start with the first on-demand request, run on a site nobody has visited yet,
 * and the spaces' welcome threads are there before anyone opens a space.
 */
import type { APIRoute } from 'astro';
import { sql } from 'drizzle-orm';
import { getDatabase } from '../../../db/client.ts';
import { ensureWelcomeThreads } from '../../site/welcome-threads.ts';

export const prerender = false;

export const GET: APIRoute = async () => {
  const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
  try {
    const { db } = await getDatabase();
    await db.execute(sql`select 1`);
    // Once per process: the first call, from `npm start`, makes the spaces' welcome threads.
    await ensureWelcomeThreads().catch((error: unknown) => console.error('Making the welcome threads failed:', error instanceof Error ? error.message : error));
    return new Response('ok\n', { headers });
  } catch {
    // The reason goes to the server log, never to whoever is asking.
    console.error('Health check: the database did not answer.');
    return new Response('database unavailable\n', { status: 503, headers });
  }
};
