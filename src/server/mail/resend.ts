/**
 * The Resend adapter: the only module that talks to Resend, through its official SDK.
 * Tests point it at a fake of Resend's HTTP API (`tests/fakes/resend-api.ts`), and sign
 * webhook deliveries with `tests/fakes/resend-webhooks.ts`.
 */
import { Resend } from 'resend';
import { MailSendError, maxBatchSize, type Email, type Mailer, type SentEmail } from './email.ts';

export interface ResendMailerOptions {
  apiKey: string;
  /** Another address for Resend's API (a test fake); the SDK's own default otherwise. */
  baseUrl?: string;
}

export function createResendMailer({ apiKey, baseUrl }: ResendMailerOptions): Mailer {
  // The SDK would fall back to process.env itself; an explicit empty key is a caller's bug.
  if (!apiKey.trim()) throw new Error('The Resend mailer needs an API key: set RESEND_API_KEY.');
  const resend = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    kind: 'resend',
    async send(email: Email): Promise<SentEmail> {
      const { data, error, headers } = await resend.emails.send(
        resendEmail(email),
        email.idempotencyKey ? { idempotencyKey: email.idempotencyKey } : undefined,
      );
      if (error) throw sendError(error, headers, apiKey);
      if (typeof data?.id !== 'string' || !data.id) {
        throw new MailSendError('Resend answered without an email id.', { retryable: false });
      }
      return { id: data.id };
    },
    async sendBatch(emails, { idempotencyKey }): Promise<SentEmail[]> {
      if (emails.length === 0) return [];
      if (emails.length > maxBatchSize) throw new Error(`A batch holds at most ${maxBatchSize} emails, not ${emails.length}.`);
      const { data, error, headers } = await resend.batch.send(emails.map(resendEmail), { idempotencyKey });
      if (error) throw sendError(error, headers, apiKey);
      const ids = data?.data?.map((item) => item.id) ?? [];
      if (ids.length !== emails.length || ids.some((id) => typeof id !== 'string' || !id)) {
        throw new MailSendError(`Resend answered a batch of ${emails.length} with ${ids.length} email ids.`, { retryable: false });
      }
      return ids.map((id) => ({ id }));
    },
  };
}

function resendEmail(email: Email) {
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    replyTo: email.replyTo,
    headers: email.headers,
    tags: email.tag ? [{ name: 'category', value: tagValue(email.tag) }] : undefined,
  };
}

interface ResendError {
  name: string;
  message: string;
  statusCode: number | null;
}

function sendError(error: ResendError, headers: Record<string, string> | null | undefined, apiKey: string): MailSendError {
  // The SDK's error carries no key today; the redaction keeps it so if that changes.
  const message = error.message.replaceAll(apiKey, '[api key]');
  const status = error.statusCode === null ? 'no response' : `HTTP ${error.statusCode}`;
  return new MailSendError(`Resend did not send the email: ${error.name} (${status}): ${message}`, {
    retryable: isRetryable(error.statusCode, error.name),
    retryAfterSeconds: retryAfter(headers?.['retry-after']),
    conflict: error.statusCode === 409 && error.name === 'invalid_idempotent_request',
    cause: { name: error.name, statusCode: error.statusCode },
  });
}

// Resend accepts only ASCII letters, digits, `_` and `-` in tag values.
function tagValue(tag: string): string {
  return tag.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}

function isRetryable(statusCode: number | null, name: string): boolean {
  if (statusCode === null || statusCode === 429 || statusCode >= 500) return true;
  return name === 'concurrent_idempotent_requests';
}

function retryAfter(header: string | undefined): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The three Svix headers Resend signs every webhook delivery with; null when absent. */
export interface ResendWebhookHeaders {
  id: string | null;
  timestamp: string | null;
  signature: string | null;
}

export type ResendWebhookCheck = { ok: true; event: unknown } | { ok: false; reason: 'bad_signature' | 'not_json' };

// Resend shows the signing secret as `whsec_` and base64; the SDK strips the prefix itself.
const webhookSecretPattern = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** Whether `secret` has the shape of a Resend webhook signing secret (`whsec_…`). */
export function isResendWebhookSecret(secret: string): boolean {
  // Padded base64 comes in whole groups of four; the SDK cannot decode anything else.
  return webhookSecretPattern.test(secret) && (secret.length - 'whsec_'.length) % 4 === 0;
}

/**
 * Checks a webhook delivery's Svix signature over its raw body, and that it was signed
 * within five minutes of now (either way), then parses the body. The signature covers
 * the exact bytes sent: pass the body as received, never parsed and re-serialised.
 */
export function verifyResendWebhook(payload: string, headers: ResendWebhookHeaders, webhookSecret: string): ResendWebhookCheck {
  if (!isResendWebhookSecret(webhookSecret)) throw new Error('RESEND_WEBHOOK_SECRET is not a Resend signing secret: copy the whsec_… value from the webhook in Resend’s dashboard.');
  if (!headers.id || !headers.timestamp || !headers.signature) return { ok: false, reason: 'bad_signature' };
  // Verifying calls no API, so the key is a placeholder; the SDK refuses to start without one.
  const resend = new Resend('re_webhook_verification_only');
  try {
    const event: unknown = resend.webhooks.verify({
      payload,
      headers: { id: headers.id, timestamp: headers.timestamp, signature: headers.signature },
      webhookSecret,
    });
    // A correctly signed empty body verifies as undefined: nothing a handler could use.
    return event === undefined ? { ok: false, reason: 'not_json' } : { ok: true, event };
  } catch (error) {
    // The SDK parses the body only once the signature matched.
    if (error instanceof SyntaxError) return { ok: false, reason: 'not_json' };
    // Wrong secret, altered body, or a timestamp more than five minutes off.
    return { ok: false, reason: 'bad_signature' };
  }
}
