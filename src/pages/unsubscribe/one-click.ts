/**
 * One-click unsubscribe (RFC 8058): the address in every newsletter email's
 * `List-Unsubscribe` header. Mail clients POST to it themselves, with no cookie and no
 * Origin (the cross-site check exempts this path), so the signed token in the URL is the
 * whole proof. The body is `List-Unsubscribe=One-Click`, form-encoded or multipart, or
 * nothing at all from some clients: it carries no information, so it is not read.
 */
import type { APIRoute } from 'astro';
import { getDatabase } from '../../../db/client.ts';
import { getAppSecret } from '../../server/config/app-secret.ts';
import { unsubscribeFromNewsletter } from '../../server/newsletter/unsubscribe.ts';
import { unsubscribeParams, verifyUnsubscribeToken } from '../../server/newsletter/unsubscribe-token.ts';
import { getNewsletterSettings } from '../../site/newsletter.ts';

export const prerender = false;

const text = (status: number, body: string) =>
  new Response(`${body}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

export const POST: APIRoute = async ({ url }) => {
  const params = unsubscribeParams(url.searchParams);
  if (!params.memberId || !params.token) return text(400, 'This unsubscribe link is incomplete: it needs the m and t parts of the link in the email.');
  const recipient = verifyUnsubscribeToken(params, getAppSecret());
  if (!recipient) return text(403, 'This unsubscribe link is not valid: it may have been copied incompletely. Nothing was changed.');
  const { db } = await getDatabase();
  // The same answer whether or not the member still exists: the link reveals nothing.
  await unsubscribeFromNewsletter(db, recipient, new Date());
  // The newsletter's own name ("The Hedgerow Weekly"), never "the <site name> newsletter".
  const { name } = await getNewsletterSettings();
  return text(200, `You are unsubscribed from ${name}.`);
};

/** A person (or an old mail client) opening the address: the preference page, which changes nothing by itself. */
export const GET: APIRoute = ({ url, redirect }) => redirect(`/unsubscribe${url.search}`, 303);
