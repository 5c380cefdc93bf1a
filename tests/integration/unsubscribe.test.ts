/**
 * Unsubscribing against a real database, on every engine: the one-click POST's effect,
 * the preference page's Save, and what neither may undo (a bounce, a complaint).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { campaigns, emailSends, members, type NewsletterStatus } from '../../db/schema.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { readPreferences, unsubscribeFromNewsletter, updatePreferences } from '../../src/server/newsletter/unsubscribe.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const monday = new Date('2026-05-04T09:00:00Z');
const tuesday = new Date('2026-05-05T09:00:00Z');

describe.each(engines)('unsubscribing on $name', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = (await engine.open()).db;
  });

  async function subscriber(status: NewsletterStatus = 'subscribed', notificationEmails = true): Promise<string> {
    const { member } = await ensureMember(db, `${newId()}@example.com`);
    await db.update(members).set({ newsletter: status, notificationEmails }).where(eq(members.id, member.id));
    return member.id;
  }

  /** A sent digest campaign with one email to each of `memberIds`. */
  async function campaignTo(...memberIds: string[]): Promise<string> {
    const [campaign] = await db
      .insert(campaigns)
      .values({ kind: 'digest', status: 'sent', subject: 'This week', plan: {}, createdBy: 'test' })
      .returning({ id: campaigns.id });
    if (!campaign) throw new Error('no campaign');
    let position = 0;
    for (const memberId of memberIds) {
      await db.insert(emailSends).values({
        campaignId: campaign.id,
        memberId,
        email: `${memberId}@example.com`,
        position: position++,
        status: 'delivered',
        idempotencyKey: `${campaign.id}:${memberId}`,
      });
    }
    return campaign.id;
  }

  const newsletterOf = async (memberId: string) => (await readPreferences(db, memberId))?.newsletter;
  const unsubscribedAt = async (campaignId: string, memberId: string) => {
    const [row] = await db
      .select({ at: emailSends.unsubscribedAt })
      .from(emailSends)
      .where(and(eq(emailSends.campaignId, campaignId), eq(emailSends.memberId, memberId)));
    return row?.at;
  };

  describe('unsubscribeFromNewsletter (one-click)', () => {
    it('turns the newsletter off and credits the campaign, once', async () => {
      const wren = await subscriber();
      const other = await subscriber();
      const campaignId = await campaignTo(wren, other);
      await unsubscribeFromNewsletter(db, { memberId: wren, campaignId }, monday);
      expect(await newsletterOf(wren)).toBe('unsubscribed');
      expect(await unsubscribedAt(campaignId, wren)).toEqual(monday);

      // Mail clients may POST twice: the first time stays the one counted.
      await unsubscribeFromNewsletter(db, { memberId: wren, campaignId }, tuesday);
      expect(await unsubscribedAt(campaignId, wren)).toEqual(monday);

      expect(await newsletterOf(other)).toBe('subscribed');
      expect(await unsubscribedAt(campaignId, other)).toBeNull();
    });

    it('leaves notification emails as they are', async () => {
      const wren = await subscriber('subscribed', true);
      await unsubscribeFromNewsletter(db, { memberId: wren, campaignId: '' }, monday);
      expect(await readPreferences(db, wren)).toMatchObject({ newsletter: 'unsubscribed', notificationEmails: true });
    });

    it('credits only the campaign the link came from', async () => {
      const wren = await subscriber();
      const first = await campaignTo(wren);
      const second = await campaignTo(wren);
      await unsubscribeFromNewsletter(db, { memberId: wren, campaignId: second }, monday);
      expect(await unsubscribedAt(second, wren)).toEqual(monday);
      expect(await unsubscribedAt(first, wren)).toBeNull();
    });

    it('works for a link from no campaign, and from a campaign that never emailed the member', async () => {
      const wren = await subscriber();
      const elsewhere = await campaignTo(await subscriber());
      await unsubscribeFromNewsletter(db, { memberId: wren, campaignId: elsewhere }, monday);
      expect(await newsletterOf(wren)).toBe('unsubscribed');
      const robin = await subscriber();
      await unsubscribeFromNewsletter(db, { memberId: robin, campaignId: '' }, monday);
      expect(await newsletterOf(robin)).toBe('unsubscribed');
    });

    it.each(['bounced', 'complained'] as const)('keeps a %s address so, and credits nothing', async (status) => {
      const wren = await subscriber(status);
      const campaignId = await campaignTo(wren);
      await unsubscribeFromNewsletter(db, { memberId: wren, campaignId }, monday);
      expect(await newsletterOf(wren)).toBe(status);
      expect(await unsubscribedAt(campaignId, wren)).toBeNull();
    });

    it('does nothing, without failing, for a member who has since deleted their account', async () => {
      await expect(unsubscribeFromNewsletter(db, { memberId: 'gonemember234567abcd', campaignId: '' }, monday)).resolves.toBeUndefined();
    });
  });

  describe('updatePreferences (the preference page)', () => {
    it('saves both switches and returns them as saved', async () => {
      const wren = await subscriber('subscribed', true);
      const campaignId = await campaignTo(wren);
      const saved = await updatePreferences(db, wren, { digest: false, notificationEmails: false }, campaignId, monday);
      expect(saved).toMatchObject({ newsletter: 'unsubscribed', notificationEmails: false, email: expect.stringContaining('@example.com') });
      expect(await unsubscribedAt(campaignId, wren)).toEqual(monday);

      expect(await updatePreferences(db, wren, { digest: true, notificationEmails: true }, campaignId, tuesday)).toMatchObject({
        newsletter: 'subscribed',
        notificationEmails: true,
      });
      // Resubscribing does not rewrite the campaign's history.
      expect(await unsubscribedAt(campaignId, wren)).toEqual(monday);
    });

    it('changes only notification emails when the digest stays as it was', async () => {
      const wren = await subscriber('subscribed', true);
      const campaignId = await campaignTo(wren);
      expect(await updatePreferences(db, wren, { digest: true, notificationEmails: false }, campaignId, monday)).toMatchObject({
        newsletter: 'subscribed',
        notificationEmails: false,
      });
      expect(await unsubscribedAt(campaignId, wren)).toBeNull();
    });

    it.each(['bounced', 'complained'] as const)('never turns the digest back on for a %s address', async (status) => {
      const wren = await subscriber(status, false);
      const saved = await updatePreferences(db, wren, { digest: true, notificationEmails: true }, '', monday);
      expect(saved).toMatchObject({ newsletter: status, notificationEmails: true });
      expect(await updatePreferences(db, wren, { digest: false, notificationEmails: true }, '', monday)).toMatchObject({ newsletter: status });
    });

    it('answers undefined for a member who no longer exists', async () => {
      expect(await updatePreferences(db, 'gonemember234567abcd', { digest: true, notificationEmails: true }, '', monday)).toBeUndefined();
    });
  });
});
