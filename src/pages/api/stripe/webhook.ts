/**
 * Stripe's webhook: verify the signature on the raw body, then record, dispatch and
 * converge (src/server/billing/webhook). 200 for done, repeated or ignored events; 400
 * for a bad signature; 503 where a retry can help; 500 for a failure (Stripe retries).
 */
import type { APIRoute } from 'astro';
import { RetryLaterError } from '../../../server/billing/retry-later.ts';
import { processStripeEvent } from '../../../server/billing/webhook/process-event.ts';
import { billingContext, stripeOrUndefined } from '../../../site/billing-requests.ts';

export const prerender = false;

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });

export const POST: APIRoute = async ({ request }) => {
  const stripe = stripeOrUndefined();
  const secret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!stripe || !secret) return json(503, { error: 'Payments are not set up on this site (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET).' });

  const payload = await request.text();
  let event;
  try {
    event = await stripe.webhooks.constructEventAsync(payload, request.headers.get('stripe-signature') ?? '', secret);
  } catch {
    return json(400, { error: 'The signature does not match this endpoint’s signing secret.' });
  }
  try {
    const outcome = await processStripeEvent(await billingContext(stripe), event);
    return json(200, { received: true, outcome });
  } catch (error) {
    if (error instanceof RetryLaterError) return json(503, { error: error.message });
    console.error(new Error(`Stripe webhook ${event.type} ${event.id} failed`, { cause: error }));
    return json(500, { error: 'The event could not be handled; Stripe will retry it.' });
  }
};
