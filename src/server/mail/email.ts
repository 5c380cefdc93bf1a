/**
 * The email port: what the rest of the site hands to whichever mailer is configured.
 * Adapters (`resend.ts`, `outbox.ts`) turn it into a provider call or a file.
 */
export interface Email {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /** Provider idempotency key; a repeat with the same key sends nothing new. */
  idempotencyKey?: string;
  /** Short label such as 'sign-in', kept with the message. */
  tag?: string;
}

export interface SentEmail {
  id: string;
}

/** Most emails one `sendBatch` call may carry: Resend's batch limit. */
export const maxBatchSize = 100;

export interface Mailer {
  readonly kind: 'resend' | 'outbox';
  send(email: Email): Promise<SentEmail>;
  /**
   * Up to `maxBatchSize` emails in one provider call, all accepted or none; the ids come
   * back in the order given. `idempotencyKey` covers the whole call: repeating the same
   * batch with the same key sends nothing new.
   */
  sendBatch(emails: readonly Email[], options: { idempotencyKey: string }): Promise<SentEmail[]>;
}

/**
 * A message the provider refused or could not take. `retryable` says whether the same
 * send may work later (rate limit, outage, network) rather than never (bad address, bad key).
 */
export class MailSendError extends Error {
  readonly retryable: boolean;
  /** The provider's own wait hint, when it gave one. */
  readonly retryAfterSeconds: number | undefined;
  /**
   * The idempotency key was already used for a different request: an earlier attempt
   * with this key was accepted, so what it carried has been sent.
   */
  readonly conflict: boolean;

  constructor(message: string, details: { retryable: boolean; retryAfterSeconds?: number; conflict?: boolean; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'MailSendError';
    this.retryable = details.retryable;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.conflict = details.conflict ?? false;
  }
}
