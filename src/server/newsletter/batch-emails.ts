/**
 * The emails of one batch. Recipients who may read the same things get the same email
 * but for their own unsubscribe links, so each group is rendered once and the links are
 * put in afterwards. Deterministic: a retry after a crash produces the same bytes, which
 * is what lets the provider recognise the repeat by its idempotency key.
 */
import type { Email } from '../mail/email.ts';
import { escapeHtml } from '../mail/templates/escape-html.ts';
import type { BatchSend } from './claim-batch.ts';
import type { DigestPlan } from './digest/plan.ts';
import { readerSegment } from './digest/reader-view.ts';
import { renderDigestEmail, upgradeUrl } from './digest/render-email.ts';
import { listUnsubscribeHeaders, unsubscribeLinks } from './unsubscribe-token.ts';
import { upgradeLinkParams, upgradeLinksUntil } from './upgrade-link.ts';

export interface BatchEmailsInput {
  campaignId: string;
  kind: 'digest' | 'test';
  plan: DigestPlan;
  sends: readonly BatchSend[];
  /** Signs the unsubscribe and upgrade links. */
  secret: string;
}

export function batchEmails({ campaignId, kind, plan, sends, secret }: BatchEmailsInput): Email[] {
  const siteUrl = new URL(plan.siteUrl);
  const placeholders = {
    unsubscribeUrl: new URL('/coterie-unsubscribe-link', siteUrl).href,
    preferencesUrl: new URL('/coterie-preferences-link', siteUrl).href,
  };
  const rendered = new Map<string, ReturnType<typeof renderDigestEmail>>();
  const upgrades = upgradeLinksOf(plan, campaignId);
  return sends.map((send) => {
    const segment = readerSegment(plan, send.reader);
    let email = rendered.get(segment);
    if (!email) {
      email = renderDigestEmail(plan, send.reader, { campaignId, ...placeholders });
      rendered.set(segment, email);
    }
    const links = unsubscribeLinks(siteUrl, { memberId: send.memberId, campaignId }, secret);
    // The footer's unsubscribe link opens the preference page too: one-click is for the
    // header, where mail clients POST it; a GET from a link scanner must change nothing.
    const page = links.preferencesUrl;
    let html = fillLinks(email.html, placeholders, { unsubscribeUrl: escapeHtml(page), preferencesUrl: escapeHtml(page) });
    let text = fillLinks(email.text, placeholders, { unsubscribeUrl: page, preferencesUrl: page });
    // Each upgrade button becomes the recipient's own: Checkout for their address, no sign-in email first.
    for (const upgrade of upgrades) {
      const own = `${upgrade.url}&${upgradeLinkParams({ memberId: send.memberId, tierId: upgrade.tierId, campaignId, until: upgrade.until }, secret)}`;
      html = html.replaceAll(escapeHtml(upgrade.url), escapeHtml(own));
      text = text.replaceAll(upgrade.url, own);
    }
    return {
      from: plan.from,
      to: send.email,
      replyTo: plan.replyTo,
      subject: kind === 'test' ? `[Test] ${email.subject}` : email.subject,
      html,
      text,
      headers: listUnsubscribeHeaders(links),
      idempotencyKey: send.idempotencyKey,
      tag: kind === 'test' ? 'digest-test' : 'digest',
    };
  });
}

/** The upgrade links a rendering of this plan can hold, each for the tier that unlocks its post. */
function upgradeLinksOf(plan: DigestPlan, campaignId: string): { url: string; tierId: string; until: number }[] {
  const until = upgradeLinksUntil(new Date(plan.until));
  return plan.posts.flatMap((post) => (post.unlockTier ? [{ url: upgradeUrl(plan.siteUrl, post, post.unlockTier, campaignId), tierId: post.unlockTier.id, until }] : []));
}

type Links = { unsubscribeUrl: string; preferencesUrl: string };

function fillLinks(body: string, placeholders: Links, links: Links): string {
  const filled = body.replaceAll(placeholders.unsubscribeUrl, links.unsubscribeUrl).replaceAll(placeholders.preferencesUrl, links.preferencesUrl);
  // A template that changed a link's spelling (encoded it, say) would leave a dead link in every email.
  if (filled.includes('/coterie-unsubscribe-link') || filled.includes('/coterie-preferences-link')) {
    throw new Error('A digest link could not be personalised: the template must print unsubscribeUrl and preferencesUrl as given.');
  }
  return filled;
}
