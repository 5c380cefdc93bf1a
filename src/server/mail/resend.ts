/**
 * The Resend adapter: the only module that talks to Resend, through its official SDK.
 * Tests point it at a fake of Resend's HTTP API (`tests/fakes/resend-api.ts`).
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
