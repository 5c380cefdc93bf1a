import type Stripe from 'stripe';
import type { Database } from '../../../db/client.ts';
import type { Mailer } from '../mail/email.ts';

/** What billing code needs from the outside world; routes and tests build one. */
export interface BillingContext {
  db: Database;
  stripe: Stripe;
  mailer: Mailer;
  site: { name: string; language: string; ownerEmail: string; sender: { name: string; address: string } };
  tiers: readonly { id: string; name: string; seatCap?: number; trialDays: number }[];
  siteUrl: URL;
  now: () => Date;
  graceDays: number;
}
