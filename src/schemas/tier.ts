import { z } from 'astro/zod';

const minorUnits = z
  .number({ error: 'must be a whole number of minor units, e.g. 600 for 6.00' })
  .int({ error: 'must be a whole number of minor units, e.g. 600 for 6.00' })
  .positive();

/** One entry of `content/tiers.yaml`: a paid membership level. Free membership is built in. */
export const tierSchema = z.object({
  /** Stable identifier used in post `access` lists and in billing; never rename a live tier. */
  id: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'tier ids are lower-case words joined by dashes' }),
  /** Display name, e.g. "Naturalist". */
  name: z.string().min(1),
  /** One sentence on the pricing page. */
  description: z.string().min(1),
  /** What members of this tier get, one line each. */
  benefits: z.array(z.string().min(1)).default([]),
  /** Prices in minor units (pence, cents): 600 means 6.00. */
  prices: z.object({
    /** Price per month. */
    monthly: minorUnits,
    /** Price per year; omit to offer monthly billing only. */
    yearly: minorUnits.optional(),
  }),
  /** ISO 4217 currency code, lower-case. */
  currency: z
    .string()
    .regex(/^[a-z]{3}$/, { error: 'must be a three-letter currency code such as usd, eur or gbp' })
    .default('usd'),
  /** Days of free trial before the first charge. */
  trialDays: z.number().int().min(0).max(730).default(0),
  /** Most members this tier may have at once; omit for no cap. */
  seatCap: z.number().int().positive().optional(),
  /** Let members enter a Stripe promotion code at checkout. */
  allowPromotionCodes: z.boolean().default(false),
  /** Founding tiers are marked as such on the pricing page. */
  founding: z.boolean().default(false),
  /** public: listed; hidden: reachable by direct link only; archived: kept for existing members, closed to new ones. */
  visibility: z.enum(['public', 'hidden', 'archived']).default('public'),
});

export type Tier = z.infer<typeof tierSchema>;
