import type { APIRoute } from 'astro';
import { portalUrl } from '../../server/billing/checkout.ts';
import { billingContext, stripeOrUndefined } from '../../site/billing-requests.ts';

export const prerender = false;

/** "Manage membership": a fresh Stripe Customer Portal session (they expire), then off to it. */
export const POST: APIRoute = async ({ locals, redirect }) => {
  if (!locals.member) return redirect('/signin?next=/account', 303);
  const stripe = stripeOrUndefined();
  if (!stripe) return redirect('/join', 303);
  const url = await portalUrl(await billingContext(stripe), locals.member);
  return redirect(url ?? '/join', 303);
};
