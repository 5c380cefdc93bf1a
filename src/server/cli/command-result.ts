/** What every `coterie` command gets and gives, wherever it runs (the CLI process or the server's relay). */
import type { Database } from '../../../db/client.ts';
import type { BillingContext } from '../billing/billing-context.ts';

export interface CommandContext {
  db: Database;
  /** The tiers in tiers.yaml: only these can be granted. */
  tiers: readonly { id: string; name: string }[];
  /** The clock, injected so tests can move it. */
  now: Date;
  /** Stripe and the rest billing needs, built only when a billing command asks; undefined without Stripe keys. */
  billing?: () => Promise<BillingContext | undefined>;
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
