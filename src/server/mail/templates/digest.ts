/**
 * The newsletter digest, as one reader may see it (a ReaderDigest from reader-view.ts):
 * the creator's note, the new posts — whole, summarised, or teased with the way in —
 * and the liveliest threads. Post bodies arrive as email-safe HTML made when the digest
 * was composed; every other value is escaped here.
 */
import type { PostHeading, ReaderDigest, ReaderPost } from '../../newsletter/digest/reader-view.ts';
import type { DigestThread } from '../../newsletter/digest/plan.ts';
import { accessLabel } from '../../content/access-label.ts';
import { button, note } from './blocks.ts';
import { html, SafeHtml } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';
import { fonts, palette } from './palette.ts';

export interface DigestLinks {
  /** Where the upgrade button of a post leads (checkout for `tier`, or the memberships page). */
  upgrade(post: PostHeading, tier: { id: string } | undefined): string;
  /** Where "Sign in to read" leads for a members post. */
  signIn(post: PostHeading): string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export function digestEmail(view: ReaderDigest, links: DigestLinks): RenderedEmail {
  const firstTitle = view.posts[0]?.post.title ?? view.threads[0]?.title;
  const intro = `New on ${view.siteName} since ${longDate(view.since, view)}.`;
  const why = `You subscribed to ${view.newsletterName} from ${view.siteName}.`;
  const archiveUrl = `${view.siteUrl.replace(/\/+$/, '')}/newsletter`;
  const body = html`${paragraph(intro, palette.muted)}${view.note ? noteHtml(view.note) : undefined}${
    view.posts.length > 0 ? html`${sectionHeading('New posts')}${view.posts.map((post) => postHtml(post, view, links))}` : undefined
  }${view.threads.length > 0 ? html`${sectionHeading('In the discussions')}${threadsHtml(view.threads)}` : undefined}${footerLinks(why, archiveUrl, links)}`;
  const text = [
    intro,
    view.note && `“${view.note}”`,
    view.posts.length > 0 && ['NEW POSTS', ...view.posts.map((post) => postText(post, view, links))].join('\n\n'),
    view.threads.length > 0 && ['IN THE DISCUSSIONS', ...view.threads.map(threadText)].join('\n\n'),
    `${why}\nPast issues: ${archiveUrl}\nEmail preferences: ${links.preferencesUrl}\nUnsubscribe: ${links.unsubscribeUrl}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return renderEmail({
    siteName: view.siteName,
    subject: view.subject,
    preheader: view.note ?? firstTitle ?? view.newsletterName,
    heading: view.newsletterName,
    body,
    text,
    // The "why" line and the links are in the body above; the frame adds who sends it and from where.
    footer: `${view.siteName} · ${view.postalAddress}`,
  });
}

function postHtml(item: ReaderPost, view: ReaderDigest, links: DigestLinks): SafeHtml {
  const { post } = item;
  const meta = [shortDate(post.date, view), accessMeta(post)].filter(Boolean).join(' · ');
  const content = item.show === 'full' ? new SafeHtml(item.html) : new SafeHtml(post.teaserHtml);
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 8px;border-top:1px solid ${palette.border};">
<tr><td style="padding:20px 0 0;font-family:${fonts.ui};font-size:13px;line-height:1.4;color:${palette.muted};">${meta}</td></tr>
<tr><td style="padding:4px 0 12px;"><h2 style="margin:0;font-family:${fonts.ui};font-size:20px;line-height:1.3;font-weight:700;color:${palette.text};"><a href="${webLink(post.url)}" target="_blank" style="color:${palette.text};text-decoration:none;">${post.title}</a></h2></td></tr>
<tr><td style="font-family:${fonts.ui};font-size:16px;line-height:1.6;color:${palette.text};">${content}</td></tr>
<tr><td>${actionHtml(item, links)}</td></tr>
</table>`;
}

function actionHtml(item: ReaderPost, links: DigestLinks): SafeHtml {
  switch (item.show) {
    case 'full':
      return textLink(item.post.url, 'Read it on the site and join the discussion');
    case 'summary':
      return textLink(item.post.url, 'Read the post →');
    case 'upgrade':
      return html`${note('The rest of this post is for paying members.')}${button(
        links.upgrade(item.post, item.tier),
        item.tier ? `Upgrade to ${item.tier.name}` : 'See memberships',
      )}`;
    case 'sign_in':
      return html`${note('The rest of this post is for members. Membership is free: sign in with your email address.')}${button(links.signIn(item.post), 'Sign in to read')}`;
  }
}

function postText(item: ReaderPost, view: ReaderDigest, links: DigestLinks): string {
  const { post } = item;
  const head = `${post.title}\n${[shortDate(post.date, view), accessMeta(post)].filter(Boolean).join(' · ')}`;
  switch (item.show) {
    case 'full':
      return `${head}\n\n${item.text}\n\nRead it on the site: ${post.url}`;
    case 'summary':
      return `${head}\n\n${post.teaserText}\n\nRead the post: ${post.url}`;
    case 'upgrade':
      return `${head}\n\n${post.teaserText}\n\nThe rest is for paying members. ${item.tier ? `Upgrade to ${item.tier.name}` : 'See memberships'}: ${links.upgrade(post, item.tier)}`;
    case 'sign_in':
      return `${head}\n\n${post.teaserText}\n\nThe rest is for members. Sign in to read: ${links.signIn(post)}`;
  }
}

function threadsHtml(threads: readonly DigestThread[]): SafeHtml {
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;">${threads.map(
    (thread) => html`
<tr><td style="padding:0 0 14px;font-family:${fonts.ui};font-size:16px;line-height:1.5;color:${palette.text};"><a href="${webLink(thread.url)}" target="_blank" style="color:${palette.accent};font-weight:700;">${thread.title}</a><br><span style="font-size:14px;color:${palette.muted};">${threadFacts(thread)}</span></td></tr>`,
  )}
</table>`;
}

function threadText(thread: DigestThread): string {
  return `- ${thread.title}\n  ${threadFacts(thread)}\n  ${thread.url}`;
}

function threadFacts(thread: DigestThread): string {
  const replies = thread.replies === 1 ? '1 reply' : `${thread.replies} replies`;
  const people = thread.participants === 1 ? '1 person' : `${thread.participants} people`;
  const where = thread.place.kind === 'space' ? `in ${thread.place.name}` : 'under the post';
  return `${replies} from ${people}, ${where}`;
}

/** The site's own access label, left out for public posts; an email names no tiers, so a tier list reads "Paid members". */
function accessMeta(post: PostHeading): string {
  return post.access === 'public' ? '' : accessLabel(post.access, new Map());
}

function noteHtml(text: string): SafeHtml {
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 24px;">
<tr><td style="padding:4px 0 4px 16px;border-left:3px solid ${palette.accent};font-family:${fonts.ui};font-size:16px;line-height:1.6;font-style:italic;color:${palette.text};">${text}</td></tr>
</table>`;
}

function sectionHeading(text: string): SafeHtml {
  return html`<p style="margin:24px 0 4px;font-family:${fonts.ui};font-size:13px;font-weight:700;letter-spacing:1px;text-transform:uppercase;color:${palette.muted};">${text}</p>`;
}

function paragraph(text: string, color: string): SafeHtml {
  return html`<p style="margin:0 0 16px;font-family:${fonts.ui};font-size:15px;line-height:1.6;color:${color};">${text}</p>`;
}

function textLink(href: string, label: string): SafeHtml {
  return html`<p style="margin:0 0 16px;font-family:${fonts.ui};font-size:15px;line-height:1.5;"><a href="${webLink(href)}" target="_blank" style="color:${palette.accent};font-weight:700;">${label}</a></p>`;
}

function footerLinks(why: string, archiveUrl: string, links: DigestLinks): SafeHtml {
  return html`<p style="margin:24px 0 0;padding:16px 0 0;border-top:1px solid ${palette.border};font-family:${fonts.ui};font-size:13px;line-height:1.6;color:${palette.muted};">${why}<br><a href="${webLink(archiveUrl)}" target="_blank" style="color:${palette.accent};">Past issues</a> · <a href="${webLink(links.preferencesUrl)}" target="_blank" style="color:${palette.accent};">Email preferences</a> · <a href="${webLink(links.unsubscribeUrl)}" target="_blank" style="color:${palette.accent};">Unsubscribe</a></p>`;
}

function longDate(iso: string, view: ReaderDigest): string {
  return new Intl.DateTimeFormat(view.language, { dateStyle: 'long', timeZone: view.timeZone }).format(new Date(iso));
}

/** A post's publication day, which is a calendar date (stored at midnight UTC). */
function shortDate(isoDate: string, view: ReaderDigest): string {
  return new Intl.DateTimeFormat(view.language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(isoDate));
}

// Escaping keeps markup out of an href, not a `javascript:` URL; ours are always web links.
function webLink(href: string): string {
  const protocol = URL.canParse(href) ? new URL(href).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`An email link must be an http(s) URL, not "${href}".`);
  return href;
}
