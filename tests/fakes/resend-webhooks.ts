/**
 * Resend's webhook deliveries as Resend sends them, for tests: a JSON body signed the
 * Svix way (Standard Webhooks), written here from the scheme rather than borrowed from
 * the SDK, so a test that passes shows our verification agrees with the scheme, not
 * with itself. The scheme: the secret is `whsec_` + base64 key bytes; the signed text is
 * `<svix-id>.<svix-timestamp>.<body>`; `svix-signature` is `v1,<base64 HMAC-SHA256>`,
 * several separated by spaces while a secret is being rotated.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret in Resend's format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface SvixHeaders {
  'svix-id': string;
  'svix-timestamp': string;
  'svix-signature': string;
}

/** The `v1,…` signature of one delivery. */
export function svixSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Headers for `body` signed with `secret`, now (or at `signedAt`), under a new message id unless given. */
export function signDelivery(body: string, secret: string, options: { id?: string; signedAt?: Date } = {}): SvixHeaders {
  const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
  const timestamp = Math.floor((options.signedAt ?? new Date()).getTime() / 1000);
  return { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': svixSignature(secret, id, timestamp, body) };
}

/** A Resend email event with the fields Resend documents, `data` merged over plausible defaults. */
export function resendEmailEvent(type: string, data: { email_id: string; to: string[] | string } & Record<string, unknown>): string {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: {
      created_at: new Date().toISOString(),
      from: 'Coterie <news@example.com>',
      subject: 'This week',
      ...data,
    },
  });
}

/** A hard bounce, as Resend reports an address the receiving server does not know. */
export const permanentBounce = { type: 'Permanent', subType: 'General', message: 'The recipient does not exist.' };
/** A soft bounce: a full mailbox. */
export const transientBounce = { type: 'Transient', subType: 'MailboxFull', message: 'The mailbox is full.' };

/** POSTs a signed delivery to a running site's webhook endpoint. */
export async function deliverWebhook(siteUrl: string, body: string, headers: SvixHeaders): Promise<Response> {
  return fetch(new URL('/api/resend/webhook', siteUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
}
