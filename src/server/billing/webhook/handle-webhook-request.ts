/**
 * Stripe's webhook request, start to finish, with no Astro in it (the route is a thin
 * shell, and tests drive this with payloads signed by the SDK's own test helper).
 * 200 for done, repeated or ignored events; 400 for a bad signature; 503 where a retry
 * can help; 500 for a failure, which Stripe also retries.
 */
import type Stripe from 'stripe';
import type { BillingContext } from '../billing-context.ts';
import { RetryLaterError } from '../retry-later.ts';
import { processStripeEvent } from './process-event.ts';

export interface WebhookAnswer {
  status: 200 | 400 | 500 | 503;
  body: { received: true; outcome: string } | { error: string };
}

export async function handleWebhookRequest(
  request: { payload: string; signature: string | null },
  settings: { stripe: Stripe; secret: string; context: () => Promise<BillingContext> },
): Promise<WebhookAnswer> {
  let event: Stripe.Event;
  try {
    // The signature covers the raw bytes: the body must not be parsed and re-serialised first.
    event = await settings.stripe.webhooks.constructEventAsync(request.payload, request.signature ?? '', settings.secret);
  } catch {
    return { status: 400, body: { error: 'The signature does not match this endpoint’s signing secret.' } };
  }
  try {
    const outcome = await processStripeEvent(await settings.context(), event);
    return { status: 200, body: { received: true, outcome } };
  } catch (error) {
    if (error instanceof RetryLaterError) return { status: 503, body: { error: error.message } };
    console.error(new Error(`Stripe webhook ${event.type} ${event.id} failed`, { cause: error }));
    return { status: 500, body: { error: 'The event could not be handled; Stripe will retry it.' } };
  }
}
