/** Stripe's webhook endpoint; the work is in src/server/billing/webhook/. */
import type { APIRoute } from 'astro';
import { handleWebhookRequest } from '../../../server/billing/webhook/handle-webhook-request.ts';
import { billingContext, stripeOrUndefined } from '../../../site/billing-requests.ts';

export const prerender = false;

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });

export const POST: APIRoute = async ({ request }) => {
  const stripe = stripeOrUndefined();
  const secret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!stripe || !secret) return json(503, { error: 'Payments are not set up on this site (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET).' });
  const answer = await handleWebhookRequest(
    { payload: await request.text(), signature: request.headers.get('stripe-signature') },
    { stripe, secret, context: () => billingContext(stripe) },
  );
  return json(answer.status, answer.body);
};
