/** What every `coterie` command gets and gives, wherever it runs (the CLI process or the server's relay). */
import type { Database } from '../../../db/client.ts';
import type { BillingContext } from '../billing/billing-context.ts';
import type { DigestPlan } from '../newsletter/digest/plan.ts';
import type { Tier } from '../../schemas/tier.ts';

export interface CommandContext {
  db: Database;
  /** The tiers in tiers.yaml: only these can be granted. */
  tiers: readonly { id: string; name: string }[];
  /** The clock, injected so tests can move it. */
  now: Date;
  /** Stripe and the rest billing needs, built only when a billing command asks; undefined without Stripe keys. */
  billing?: () => Promise<BillingContext | undefined>;
  /** The newsletter, which only the running server can compose (it holds the posts); undefined elsewhere. */
  digest?: () => Promise<DigestServices>;
}

/** What `coterie digest` needs of the server it runs in. */
export interface DigestServices {
  /** The next digest as it stands at `now`: everything new since the last one. */
  compose(now: Date): Promise<DigestPlan>;
  /** Every tier in tiers.yaml, for the preview segments. */
  tiers: readonly Tier[];
  /** The time zone of newsletter.yaml's schedule (UTC when it is off): `schedule` times are read in it. */
  timeZone: string;
  /** site.yaml's ownerEmail: who a test goes to. */
  ownerEmail: string;
  /** Starts this process's sender now, so a campaign begun here goes out at once. */
  wake(): void;
}

export interface CommandResult {
  /** 0 done, 1 refused or failed, 2 usage error. */
  exitCode: number;
  /** Text for people or, with --json, for scripts; no trailing newline. */
  output: string;
}

export const done = (output: string): CommandResult => ({ exitCode: 0, output });
export const failed = (output: string): CommandResult => ({ exitCode: 1, output });
export const usageError = (output: string): CommandResult => ({ exitCode: 2, output });
