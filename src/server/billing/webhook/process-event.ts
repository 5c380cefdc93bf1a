/**
 * The webhook after its signature is verified: record, dispatch, mark done. A repeat of
 * a finished event does nothing; an event whose handler crashed runs again on retry.
 */
import type Stripe from 'stripe';
import type { BillingContext } from '../billing-context.ts';
import { stripeEventHandlers } from './handlers.ts';
import { markEventProcessed, recordEvent } from './record-event.ts';

export type EventOutcome = 'processed' | 'duplicate' | 'ignored';

export async function processStripeEvent(context: BillingContext, event: Stripe.Event): Promise<EventOutcome> {
  const recorded = await recordEvent(context.db, event, context.now());
  if (recorded === 'done') return 'duplicate';
  const handler = stripeEventHandlers[event.type];
  if (handler) await handler(context, event);
  await markEventProcessed(context.db, event.id, context.now());
  return handler ? 'processed' : 'ignored';
}
