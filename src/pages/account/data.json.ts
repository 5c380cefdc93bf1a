import type { APIRoute } from 'astro';
import { getDatabase } from '../../../db/client.ts';
import { exportMemberData } from '../../server/account/member-data-export.ts';

export const prerender = false;

/** "Download my data": a JSON file of everything stored about the signed-in member. */
export const GET: APIRoute = async ({ locals, redirect }) => {
  if (!locals.member) return redirect('/signin?next=/account', 303);
  const { db } = await getDatabase();
  const data = await exportMemberData(db, locals.member.id, new Date());
  if (!data) return redirect('/signin', 303);
  return new Response(`${JSON.stringify(data, null, 2)}\n`, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="my-data.json"',
      'Cache-Control': 'private, no-store',
    },
  });
};
