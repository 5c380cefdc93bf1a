/**
 * Resend's webhook against a real database, on every engine: Svix signatures (signed by
 * our own fake, checked by the official SDK), repeats and crashes, and what each event
 * does to sends, members and the suppression list, in whatever order they arrive.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { campaigns, emailSends, members, resendEvents, suppressions, type EmailSendStatus, type NewsletterStatus } from '../../db/schema.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { eventChanges, handleResendWebhook, readResendEvent, type ResendEmailEvent } from '../../src/server/newsletter/resend-events.ts';
import { newWebhookSecret, permanentBounce, resendEmailEvent, signDelivery, transientBounce, type SvixHeaders } from '../fakes/resend-webhooks.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const minute = 60 * 1000;

describe('reading and deciding (pure)', () => {
  const event = (type: ResendEmailEvent['type'], permanent = true): ResendEmailEvent => ({ type, emailId: 'e1', to: ['wren@example.com'], permanent });

  it('reads the fields it needs from Resend’s documented payload', () => {
    const body = JSON.parse(resendEmailEvent('email.bounced', { email_id: 'e1', to: ['Wren <Wren@Example.com>', 'robin@example.com'], bounce: permanentBounce }));
    expect(readResendEvent(body)).toEqual({
      kind: 'acted_on',
      event: { type: 'email.bounced', emailId: 'e1', to: ['wren@example.com', 'robin@example.com'], permanent: true },
    });
    const soft = JSON.parse(resendEmailEvent('email.bounced', { email_id: 'e1', to: ['wren@example.com'], bounce: transientBounce }));
    expect(readResendEvent(soft)).toMatchObject({ event: { permanent: false } });
    // Resend documents email.bounced as a permanent rejection: without a verdict, it is one.
    const bare = JSON.parse(resendEmailEvent('email.bounced', { email_id: 'e1', to: 'wren@example.com' }));
    expect(readResendEvent(bare)).toMatchObject({ event: { to: ['wren@example.com'], permanent: true } });
  });

  it('ignores types it does not act on, and names what is missing from one it does', () => {
    expect(readResendEvent({ type: 'email.opened', data: {} })).toEqual({ kind: 'ignored', type: 'email.opened' });
    expect(readResendEvent({ type: 'contact.created', data: { id: 'c' } })).toEqual({ kind: 'ignored', type: 'contact.created' });
    expect(readResendEvent({ type: 'email.delivered', data: { to: ['a@example.com'] } })).toEqual({
      kind: 'unreadable',
      message: 'The email.delivered event is missing or has unexpected data.email_id.',
    });
    expect(readResendEvent('not an event')).toMatchObject({ kind: 'unreadable' });
  });

  it('decides each type’s changes as transitions that never step back', () => {
    expect(eventChanges(event('email.delivered'))).toEqual({ send: { to: 'delivered', from: ['queued', 'sent', 'delayed', 'failed'] } });
    expect(eventChanges(event('email.delivery_delayed'))).toEqual({ send: { to: 'delayed', from: ['sent'] } });
    expect(eventChanges(event('email.bounced', false))).toEqual({ send: { to: 'bounced', from: ['queued', 'sent', 'delayed', 'delivered', 'failed'] } });
    expect(eventChanges(event('email.bounced'))).toMatchObject({ newsletter: { to: 'bounced', from: ['subscribed', 'unsubscribed'] }, suppress: 'bounced' });
    expect(eventChanges(event('email.complained'))).toMatchObject({ send: { to: 'complained' }, newsletter: { to: 'complained' }, suppress: 'complained' });
    for (const type of ['email.delivered', 'email.delivery_delayed', 'email.bounced'] as const) {
      const { send, newsletter } = eventChanges(event(type));
      expect(send.from, type).not.toContain('complained');
      expect(newsletter?.from ?? [], type).not.toContain('complained');
    }
  });
});

describe.each(engines)('the Resend webhook on $name', (engine) => {
  let db: Database;
  const secret = newWebhookSecret();
  beforeAll(async () => {
    db = (await engine.open()).db;
  });

  const deliver = (body: string, headers: SvixHeaders, withSecret = secret) =>
    handleResendWebhook(
      { payload: body, headers: { id: headers['svix-id'], timestamp: headers['svix-timestamp'], signature: headers['svix-signature'] } },
      { db, secret: withSecret, now: () => new Date() },
    );
  const send = (body: string, options?: Parameters<typeof signDelivery>[2]) => deliver(body, signDelivery(body, secret, options));
  const recorded = async (id: string) => db.select().from(resendEvents).where(eq(resendEvents.id, id));

  /** A subscriber and one campaign email to them that Resend accepted as `providerId`. */
  async function sentTo(status: EmailSendStatus = 'sent', newsletter: NewsletterStatus = 'subscribed') {
    const email = `${newId()}@example.com`;
    const { member } = await ensureMember(db, email);
    await db.update(members).set({ newsletter }).where(eq(members.id, member.id));
    const [campaign] = await db.insert(campaigns).values({ kind: 'digest', status: 'sending', subject: 'This week', plan: {}, createdBy: 'test' }).returning();
    if (!campaign) throw new Error('no campaign');
    const providerId = crypto.randomUUID();
    await db.insert(emailSends).values({ campaignId: campaign.id, memberId: member.id, email, position: 0, status, providerId, idempotencyKey: `${campaign.id}:${member.id}` });
    return { email, memberId: member.id, providerId };
  }
  const statusOf = async (providerId: string) => (await db.select({ status: emailSends.status }).from(emailSends).where(eq(emailSends.providerId, providerId)))[0]?.status;
  const newsletterOf = async (memberId: string) => (await db.select({ newsletter: members.newsletter }).from(members).where(eq(members.id, memberId)))[0]?.newsletter;
  const suppressionOf = async (email: string) => (await db.select().from(suppressions).where(eq(suppressions.email, email)))[0];

  describe('signatures', () => {
    it('accepts a delivery signed with the endpoint’s secret', async () => {
      const to = await sentTo();
      const body = resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] });
      const headers = signDelivery(body, secret);
      const answer = await deliver(body, headers);
      expect(answer).toEqual({ status: 200, body: { received: true, outcome: 'processed' } });
      expect(await recorded(headers['svix-id'])).toEqual([expect.objectContaining({ type: 'email.delivered', processedAt: expect.any(Date) })]);
      expect(await statusOf(to.providerId)).toBe('delivered');
    });

    it('accepts one of several signatures, as during a secret rotation', async () => {
      const to = await sentTo();
      const body = resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] });
      const headers = signDelivery(body, secret);
      const old = signDelivery(body, newWebhookSecret(), { id: headers['svix-id'], signedAt: new Date(Number(headers['svix-timestamp']) * 1000) });
      const answer = await deliver(body, { ...headers, 'svix-signature': `${old['svix-signature']} ${headers['svix-signature']}` });
      expect(answer.status).toBe(200);
    });

    it.each([
      ['a tampered body', (body: string, headers: SvixHeaders) => ({ body: body.replace('email.delivered', 'email.complained'), headers })],
      ['another secret', (body: string, headers: SvixHeaders) => ({ body, headers: signDelivery(body, newWebhookSecret(), { id: headers['svix-id'] }) })],
      ['a timestamp six minutes old', (body: string, headers: SvixHeaders) => ({ body, headers: signDelivery(body, secret, { id: headers['svix-id'], signedAt: new Date(Date.now() - 6 * minute) }) })],
      ['a timestamp six minutes ahead', (body: string, headers: SvixHeaders) => ({ body, headers: signDelivery(body, secret, { id: headers['svix-id'], signedAt: new Date(Date.now() + 6 * minute) }) })],
      ['another message id', (body: string, headers: SvixHeaders) => ({ body, headers: { ...headers, 'svix-id': 'msg_other' } })],
      ['no signature', (body: string, headers: SvixHeaders) => ({ body, headers: { ...headers, 'svix-signature': '' } })],
      ['a v2 signature', (body: string, headers: SvixHeaders) => ({ body, headers: { ...headers, 'svix-signature': headers['svix-signature'].replace('v1,', 'v2,') } })],
    ])('refuses %s with 400, and records and changes nothing', async (_label, forge) => {
      const to = await sentTo();
      const original = resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] });
      const { body, headers } = forge(original, signDelivery(original, secret));
      const answer = await deliver(body, headers);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: expect.stringContaining('RESEND_WEBHOOK_SECRET') });
      expect(await recorded(headers['svix-id'])).toHaveLength(0);
      expect(await statusOf(to.providerId)).toBe('sent');
    });

    it('accepts a timestamp four minutes old (within the tolerance)', async () => {
      const to = await sentTo();
      const answer = await send(resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] }), { signedAt: new Date(Date.now() - 4 * minute) });
      expect(answer.status).toBe(200);
    });

    it('refuses a signed body that is not an event with 400, recording nothing', async () => {
      const headers = signDelivery('{"type":"email.bounced","data":{}}', secret);
      expect((await deliver('{"type":"email.bounced","data":{}}', headers)).status).toBe(400);
      expect((await deliver('not json', signDelivery('not json', secret))).status).toBe(400);
      expect(await recorded(headers['svix-id'])).toHaveLength(0);
    });
  });

  describe('repeats', () => {
    it('answers a repeated delivery "duplicate" and does nothing again', async () => {
      const to = await sentTo();
      const body = resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] });
      const headers = signDelivery(body, secret);
      expect((await deliver(body, headers)).body).toEqual({ received: true, outcome: 'processed' });
      // Moved on since (by a later event): a replayed 'delivered' must not be applied again.
      await db.update(emailSends).set({ status: 'sent' }).where(eq(emailSends.providerId, to.providerId));
      expect((await deliver(body, signDelivery(body, secret, { id: headers['svix-id'] }))).body).toEqual({ received: true, outcome: 'duplicate' });
      expect(await statusOf(to.providerId)).toBe('sent');
    });

    it('runs a delivery again whose handling crashed after it was recorded', async () => {
      const to = await sentTo();
      const body = resendEmailEvent('email.bounced', { email_id: to.providerId, to: [to.email], bounce: permanentBounce });
      const headers = signDelivery(body, secret);
      // What a crash between recording and marking leaves behind.
      await db.insert(resendEvents).values({ id: headers['svix-id'], type: 'email.bounced' });
      expect((await deliver(body, headers)).body).toEqual({ received: true, outcome: 'processed' });
      expect(await statusOf(to.providerId)).toBe('bounced');
      expect((await recorded(headers['svix-id']))[0]?.processedAt).toBeInstanceOf(Date);
    });

    it('acknowledges types it does not act on without recording them', async () => {
      const body = resendEmailEvent('email.opened', { email_id: 'whatever', to: ['a@example.com'] });
      const headers = signDelivery(body, secret);
      expect((await deliver(body, headers)).body).toEqual({ received: true, outcome: 'ignored' });
      expect(await recorded(headers['svix-id'])).toHaveLength(0);
    });
  });

  describe('effects', () => {
    it('delivered: the send is delivered; member and suppressions untouched', async () => {
      const to = await sentTo();
      await send(resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] }));
      expect(await statusOf(to.providerId)).toBe('delivered');
      expect(await newsletterOf(to.memberId)).toBe('subscribed');
      expect(await suppressionOf(to.email)).toBeUndefined();
    });

    it('delivery delayed: only a send still "sent" becomes "delayed", and delivered follows', async () => {
      const to = await sentTo();
      await send(resendEmailEvent('email.delivery_delayed', { email_id: to.providerId, to: [to.email] }));
      expect(await statusOf(to.providerId)).toBe('delayed');
      await send(resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] }));
      expect(await statusOf(to.providerId)).toBe('delivered');
      // A delay reported late, after the delivery, changes nothing.
      await send(resendEmailEvent('email.delivery_delayed', { email_id: to.providerId, to: [to.email] }));
      expect(await statusOf(to.providerId)).toBe('delivered');
    });

    it('hard bounce: send bounced, member bounced, address suppressed', async () => {
      const to = await sentTo('delivered');
      await send(resendEmailEvent('email.bounced', { email_id: to.providerId, to: [to.email], bounce: permanentBounce }));
      expect(await statusOf(to.providerId)).toBe('bounced');
      expect(await newsletterOf(to.memberId)).toBe('bounced');
      expect(await suppressionOf(to.email)).toMatchObject({ reason: 'bounced', detail: expect.stringContaining('email.bounced') });
    });

    it('soft bounce: the send is bounced, but the address is not suppressed', async () => {
      const to = await sentTo();
      await send(resendEmailEvent('email.bounced', { email_id: to.providerId, to: [to.email], bounce: transientBounce }));
      expect(await statusOf(to.providerId)).toBe('bounced');
      expect(await newsletterOf(to.memberId)).toBe('subscribed');
      expect(await suppressionOf(to.email)).toBeUndefined();
    });

    it('complaint: send, member and suppression all "complained", even after a bounce', async () => {
      const to = await sentTo('delivered');
      await send(resendEmailEvent('email.complained', { email_id: to.providerId, to: [to.email] }));
      expect(await statusOf(to.providerId)).toBe('complained');
      expect(await newsletterOf(to.memberId)).toBe('complained');
      expect(await suppressionOf(to.email)).toMatchObject({ reason: 'complained' });

      const bounced = await sentTo('bounced', 'bounced');
      await send(resendEmailEvent('email.complained', { email_id: bounced.providerId, to: [bounced.email] }));
      expect(await statusOf(bounced.providerId)).toBe('complained');
      expect(await newsletterOf(bounced.memberId)).toBe('complained');
    });

    it('out of order: a late "delivered" or bounce never undoes a complaint or a bounce', async () => {
      const to = await sentTo();
      await send(resendEmailEvent('email.complained', { email_id: to.providerId, to: [to.email] }));
      await send(resendEmailEvent('email.delivered', { email_id: to.providerId, to: [to.email] }));
      await send(resendEmailEvent('email.bounced', { email_id: to.providerId, to: [to.email], bounce: permanentBounce }));
      expect(await statusOf(to.providerId)).toBe('complained');
      expect(await newsletterOf(to.memberId)).toBe('complained');
      expect(await suppressionOf(to.email)).toMatchObject({ reason: 'complained' });

      const other = await sentTo();
      await send(resendEmailEvent('email.bounced', { email_id: other.providerId, to: [other.email], bounce: permanentBounce }));
      await send(resendEmailEvent('email.delivered', { email_id: other.providerId, to: [other.email] }));
      expect(await statusOf(other.providerId)).toBe('bounced');
    });

    it('an email that matches no send (a sign-in link) still suppresses its address and stops its member’s newsletter', async () => {
      const email = `${newId()}@example.com`;
      const { member } = await ensureMember(db, email);
      await db.update(members).set({ newsletter: 'subscribed' }).where(eq(members.id, member.id));
      await send(resendEmailEvent('email.bounced', { email_id: crypto.randomUUID(), to: [email.toUpperCase()], bounce: permanentBounce }));
      expect(await suppressionOf(email)).toMatchObject({ reason: 'bounced' });
      expect(await newsletterOf(member.id)).toBe('bounced');

      const stranger = `${newId()}@example.com`;
      await send(resendEmailEvent('email.complained', { email_id: crypto.randomUUID(), to: [stranger] }));
      expect(await suppressionOf(stranger)).toMatchObject({ reason: 'complained' });
    });

    it('a delivery report for an email that matches no send changes nothing', async () => {
      const stranger = `${newId()}@example.com`;
      const answer = await send(resendEmailEvent('email.delivered', { email_id: crypto.randomUUID(), to: [stranger] }));
      expect(answer.body).toEqual({ received: true, outcome: 'processed' });
      expect(await suppressionOf(stranger)).toBeUndefined();
    });
  });
});
