/**
 * The Resend adapter: the only module that talks to Resend, through its official SDK.
 * Tests point it at a fake of Resend's HTTP API (`tests/fakes/resend-api.ts`).
 */
import { Resend } from 'resend';
import { MailSendError, type Email, type Mailer, type SentEmail } from './email.ts';

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
        {
          from: email.from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          replyTo: email.replyTo,
          headers: email.headers,
          tags: email.tag ? [{ name: 'category', value: tagValue(email.tag) }] : undefined,
        },
        email.idempotencyKey ? { idempotencyKey: email.idempotencyKey } : undefined,
      );
      if (error) {
        // The SDK's error carries no key today; the redaction keeps it so if that changes.
        const message = error.message.replaceAll(apiKey, '[api key]');
        const status = error.statusCode === null ? 'no response' : `HTTP ${error.statusCode}`;
        throw new MailSendError(`Resend did not send the email: ${error.name} (${status}): ${message}`, {
          retryable: isRetryable(error.statusCode, error.name),
          retryAfterSeconds: retryAfter(headers?.['retry-after']),
          cause: { name: error.name, statusCode: error.statusCode },
        });
      }
      if (typeof data?.id !== 'string' || !data.id) {
        throw new MailSendError('Resend answered without an email id.', { retryable: false });
      }
      return { id: data.id };
    },
  };
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
