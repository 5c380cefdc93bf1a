/**
 * The notification email: what happened in the discussions since the last one, each
 * with who, where, the first words of the reply and a link to it. Everything members
 * wrote arrives here as plain text and is escaped; none of their HTML is used.
 */
import { linkFallback, note, paragraph } from './blocks.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';
import { fonts, palette } from './palette.ts';

export interface DigestItem {
  kind: 'reply' | 'mention' | 'followed';
  /** A display name or @handle, never an email address. */
  actorName: string;
  threadTitle: string;
  /** Plain text, already shortened. */
  excerpt: string;
  /** The reply's permalink. */
  url: string;
}

export interface NotificationDigestInput {
  siteName: string;
  items: readonly DigestItem[];
  /** Notifications beyond `items` that this email stands for without listing them. */
  moreCount: number;
  /** Every notification, on the site. */
  allUrl: string;
  stopUrl: string;
  accountUrl: string;
}

const verbs: Record<DigestItem['kind'], string> = {
  reply: 'replied to you in',
  mention: 'mentioned you in',
  followed: 'replied in',
};

export function notificationDigestEmail({ siteName, items, moreCount, allUrl, stopUrl, accountUrl }: NotificationDigestInput): RenderedEmail {
  const first = items[0];
  if (!first) throw new Error('notificationDigestEmail needs at least one item.');
  const total = items.length + moreCount;
  // One line, whatever a member typed: a line break in a header would end it.
  const subject = (total === 1 ? `${first.actorName} ${verbs[first.kind]} “${first.threadTitle}”` : `${total} new replies on ${siteName}`).replace(/\s+/g, ' ');
  const lead = total === 1 ? `New in the discussions on ${siteName}:` : `${total} new replies for you in the discussions on ${siteName}:`;
  const more = moreCount > 0 ? `…and ${moreCount} more.` : '';
  const stop = `Don’t want these emails? Stop them with one click; the notifications stay on the site. You can turn emails back on from your account.`;

  return renderEmail({
    siteName,
    subject,
    preheader: `${first.actorName} ${verbs[first.kind]} “${first.threadTitle}”: ${first.excerpt}`,
    heading: total === 1 ? 'A new reply for you' : 'New replies for you',
    body: html`${paragraph(lead)}${items.map(itemHtml)}${more ? html`${paragraph(more)}${linkFallback(allUrl, 'See them all:')}` : undefined}${note(stop)}${linkFallback(stopUrl, 'Stop notification emails:')}${linkFallback(accountUrl, 'Your account settings:')}`,
    text: [lead, ...items.map(itemText), more && `${more}\nSee them all:\n${allUrl}`, `${stop}\nStop notification emails:\n${stopUrl}`, `Your account settings:\n${accountUrl}`].filter(Boolean).join('\n\n'),
    footer: `You got this email because notification emails are on for your account on ${siteName}.`,
  });
}

function itemHtml(item: DigestItem): SafeHtml {
  assertWebLink(item.url);
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;">
<tr><td style="font-family:${fonts.ui};font-size:15px;line-height:1.5;color:${palette.text};"><strong>${item.actorName}</strong> ${verbs[item.kind]} <a href="${item.url}" target="_blank" style="color:${palette.accent};font-weight:700;">${item.threadTitle}</a></td></tr>
<tr><td style="padding:6px 0 0 12px;border-left:3px solid ${palette.border};font-family:${fonts.ui};font-size:15px;line-height:1.5;color:${palette.muted};">${item.excerpt}</td></tr>
<tr><td style="padding:6px 0 0;font-family:${fonts.ui};font-size:14px;"><a href="${item.url}" target="_blank" style="color:${palette.accent};">Read and reply</a></td></tr>
</table>`;
}

function itemText(item: DigestItem): string {
  return `${item.actorName} ${verbs[item.kind]} “${item.threadTitle}”:\n> ${item.excerpt}\n${item.url}`;
}

// Escaping keeps markup out of an href, not a `javascript:` URL; ours are always web links.
function assertWebLink(href: string): void {
  const protocol = URL.canParse(href) ? new URL(href).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`An email link must be an http(s) URL, not "${href}".`);
}
