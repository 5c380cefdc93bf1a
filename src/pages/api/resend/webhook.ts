/** Resend's webhook endpoint; the work is in src/server/newsletter/resend-events.ts. */
import type { APIRoute } from 'astro';
import { getDatabase } from '../../../../db/client.ts';
import { isResendWebhookSecret } from '../../../server/mail/resend.ts';
import { handleResendWebhook } from '../../../server/newsletter/resend-events.ts';

export const prerender = false;

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });

// Said once per process: Resend retries for days, and each retry would repeat it.
let complainedAboutSecret = false;

export const POST: APIRoute = async ({ request }) => {
  const secret = process.env.RESEND_WEBHOOK_SECRET?.trim() ?? '';
  if (!isResendWebhookSecret(secret)) {
    const problem = secret
      ? 'RESEND_WEBHOOK_SECRET is not a Resend signing secret: copy the whsec_… value shown for this webhook in Resend’s dashboard.'
      : 'Resend webhooks are not set up on this site: set RESEND_WEBHOOK_SECRET to the whsec_… signing secret shown for this webhook in Resend’s dashboard.';
    if (!complainedAboutSecret) console.error(problem);
    complainedAboutSecret = true;
    // 503: Resend keeps retrying, so nothing is lost once the secret is set.
    return json(503, { error: problem });
  }
  const { db } = await getDatabase();
  const headers = request.headers;
  const answer = await handleResendWebhook(
    {
      // The signature covers the raw bytes: the body must not be parsed and re-serialised first.
      payload: await request.text(),
      headers: { id: headers.get('svix-id'), timestamp: headers.get('svix-timestamp'), signature: headers.get('svix-signature') },
    },
    { db, secret, now: () => new Date() },
  );
  return json(answer.status, answer.body);
};
