/**
 * Resend's reports about the emails it carried — delivered, delayed, bounced, marked as
 * spam — and what each means here: the send's status, and for a hard bounce or a
 * complaint, the address suppressed and its member's newsletter stopped.
 *
 * Webhooks arrive out of order and more than once: a delivery report can come after the
 * bounce it preceded. So every change is a transition allowed only from the states it
 * may follow (nothing moves a send back from 'complained'), applied with that condition
 * in the UPDATE itself, and each delivery is recorded by its Svix id before it acts.
 *
 * Layers: `readResendEvent` (the payload, checked) and `eventChanges` (the decision) are
 * pure; `applyResendEvent` and `processResendEvent` write; `handleResendWebhook` is the
 * whole request after the route has found the signing secret.
 */
import { z } from 'astro/zod';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { emailSends, members, resendEvents, suppressions, type EmailSendStatus, type NewsletterStatus } from '../../../db/schema.ts';
import { verifyResendWebhook, type ResendWebhookHeaders } from '../mail/resend.ts';
import { parseEmail } from '../members/email-address.ts';

/** The event types that change anything here; Resend's others are acknowledged and ignored. */
export const actedOnEventTypes = ['email.delivered', 'email.delivery_delayed', 'email.bounced', 'email.complained'] as const;
export type ActedOnEventType = (typeof actedOnEventTypes)[number];

export interface ResendEmailEvent {
  type: ActedOnEventType;
  /** Resend's id of the email, kept as `email_sends.provider_id` when it was a campaign email. */
  emailId: string;
  /** The recipients' addresses, lower-cased. */
  to: string[];
  /** For a bounce: the receiving server refused for good ('Permanent'), not for now. */
  permanent: boolean;
}

export type ReadEvent =
  | { kind: 'acted_on'; event: ResendEmailEvent }
  | { kind: 'ignored'; type: string }
  | { kind: 'unreadable'; message: string };

const envelopeSchema = z.object({ type: z.string(), data: z.unknown() });
const emailDataSchema = z.object({
  email_id: z.string().min(1),
  to: z.union([z.array(z.string()), z.string()]),
  // Resend passes on the receiving server's verdict: 'Permanent', 'Transient' or 'Undetermined'.
  bounce: z.object({ type: z.string().optional() }).optional(),
});

const isActedOn = (type: string): type is ActedOnEventType => (actedOnEventTypes as readonly string[]).includes(type);

/** A verified webhook body as an event we act on, one we ignore, or one we cannot read. */
export function readResendEvent(body: unknown): ReadEvent {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { kind: 'unreadable', message: 'The body is not a Resend event: it needs a "type" and "data".' };
  const { type } = envelope.data;
  if (!isActedOn(type)) return { kind: 'ignored', type };
  const data = emailDataSchema.safeParse(envelope.data.data);
  if (!data.success) {
    const fields = [...new Set(data.error.issues.map((issue) => `data.${issue.path.join('.')}`))].join(', ');
    return { kind: 'unreadable', message: `The ${type} event is missing or has unexpected ${fields}.` };
  }
  const to = (Array.isArray(data.data.to) ? data.data.to : [data.data.to]).flatMap((recipient) => {
    const address = parseEmail(/<([^<>]+)>\s*$/.exec(recipient)?.[1] ?? recipient);
    return address ? [address] : [];
  });
  // Resend documents email.bounced as a permanent rejection; only an explicit other verdict is soft.
  const bounceType = data.data.bounce?.type?.toLowerCase() ?? 'permanent';
  return { kind: 'acted_on', event: { type, emailId: data.data.email_id, to: [...new Set(to)], permanent: bounceType === 'permanent' } };
}

/** A state to move to, and the states it may be reached from. */
export interface Transition<State extends string> {
  to: State;
  from: readonly State[];
}

export interface EventChanges {
  /** For the send rows whose provider id is the event's email id. */
  send: Transition<EmailSendStatus>;
  /** For the members with the address the email went to. */
  newsletter?: Transition<NewsletterStatus>;
  /** Adds the address to the suppression list with this reason. */
  suppress?: 'bounced' | 'complained';
}

/** What an event changes. Pure: the current states are the transitions' concern. */
export function eventChanges(event: ResendEmailEvent): EventChanges {
  switch (event.type) {
    case 'email.delivered':
      // 'failed' too: an attempt we gave up on that the provider did carry after all.
      return { send: { to: 'delivered', from: ['queued', 'sent', 'delayed', 'failed'] } };
    case 'email.delivery_delayed':
      return { send: { to: 'delayed', from: ['sent'] } };
    case 'email.bounced': {
      const send: Transition<EmailSendStatus> = { to: 'bounced', from: ['queued', 'sent', 'delayed', 'delivered', 'failed'] };
      // A soft bounce says nothing about the address: the next email may well arrive.
      if (!event.permanent) return { send };
      return { send, newsletter: { to: 'bounced', from: ['subscribed', 'unsubscribed'] }, suppress: 'bounced' };
    }
    case 'email.complained':
      return {
        send: { to: 'complained', from: ['queued', 'sent', 'delayed', 'delivered', 'bounced', 'failed'] },
        newsletter: { to: 'complained', from: ['subscribed', 'unsubscribed', 'bounced'] },
        suppress: 'complained',
      };
  }
}

/**
 * Applies an event. Campaign emails are found by the provider's id; an email that
 * matches no send (a sign-in link, a notification) still bounces or complains for the
 * address it went to, from the event's own recipients.
 */
export async function applyResendEvent(db: Database, eventId: string, event: ResendEmailEvent, now: Date): Promise<void> {
  const changes = eventChanges(event);
  await db.transaction(async (tx) => {
    const sends = await tx.select({ email: emailSends.email }).from(emailSends).where(eq(emailSends.providerId, event.emailId));
    if (sends.length > 0) {
      await tx
        .update(emailSends)
        .set({ status: changes.send.to, updatedAt: now })
        .where(and(eq(emailSends.providerId, event.emailId), inArray(emailSends.status, [...changes.send.from])));
    }
    // By address, not member id: what bounced is the address, whoever holds it now.
    const addresses = sends.length > 0 ? [...new Set(sends.map((send) => send.email))] : event.to;
    if (addresses.length === 0) return;
    if (changes.newsletter) {
      await tx
        .update(members)
        .set({ newsletter: changes.newsletter.to })
        .where(and(inArray(members.email, addresses), inArray(members.newsletter, [...changes.newsletter.from])));
    }
    if (changes.suppress) {
      const reason = changes.suppress;
      // The first reason stays: either way no campaign email goes there again.
      await tx
        .insert(suppressions)
        .values(addresses.map((email) => ({ email, reason, detail: `Resend ${event.type} (${eventId})`, createdAt: now })))
        .onConflictDoNothing();
    }
  });
}

export type ResendEventOutcome = 'processed' | 'duplicate' | 'ignored';

/**
 * Record, apply, mark done. A repeat of a finished delivery does nothing; one whose
 * handling crashed (recorded, never marked) runs again when Resend retries it, which is
 * safe because every change is a guarded transition or an insert that ignores repeats.
 */
export async function processResendEvent(db: Database, eventId: string, read: ReadEvent, now: Date): Promise<ResendEventOutcome> {
  // Ignored types are not recorded: opens and clicks would fill the table for nothing.
  if (read.kind !== 'acted_on') return 'ignored';
  const inserted = await db
    .insert(resendEvents)
    .values({ id: eventId, type: read.event.type, receivedAt: now })
    .onConflictDoNothing()
    .returning({ id: resendEvents.id });
  if (inserted.length === 0) {
    const [existing] = await db.select({ processedAt: resendEvents.processedAt }).from(resendEvents).where(eq(resendEvents.id, eventId));
    if (existing?.processedAt) return 'duplicate';
  }
  await applyResendEvent(db, eventId, read.event, now);
  await db.update(resendEvents).set({ processedAt: now }).where(eq(resendEvents.id, eventId));
  return 'processed';
}

export interface ResendWebhookAnswer {
  status: 200 | 400 | 500;
  body: { received: true; outcome: ResendEventOutcome } | { error: string };
}

/**
 * The webhook request from its raw body and headers: 400 for a bad signature or an
 * unreadable event (nothing recorded), 200 for done, repeated or ignored events, 500
 * for a failure, which Resend retries.
 */
export async function handleResendWebhook(
  delivery: { payload: string; headers: ResendWebhookHeaders },
  settings: { db: Database; secret: string; now: () => Date },
): Promise<ResendWebhookAnswer> {
  const check = verifyResendWebhook(delivery.payload, delivery.headers, settings.secret);
  if (!check.ok) {
    return check.reason === 'not_json'
      ? { status: 400, body: { error: 'The body is signed but is not a JSON event.' } }
      : { status: 400, body: { error: 'The Svix signature does not match RESEND_WEBHOOK_SECRET, or its timestamp is more than 5 minutes off.' } };
  }
  const read = readResendEvent(check.event);
  if (read.kind === 'unreadable') return { status: 400, body: { error: read.message } };
  // Verified above, so the id header is present.
  const eventId = delivery.headers.id ?? '';
  try {
    return { status: 200, body: { received: true, outcome: await processResendEvent(settings.db, eventId, read, settings.now()) } };
  } catch (error) {
    console.error(new Error(`Resend webhook ${read.kind === 'acted_on' ? read.event.type : read.type} ${eventId} failed`, { cause: error }));
    return { status: 500, body: { error: 'The event could not be handled; Resend will retry it.' } };
  }
}
