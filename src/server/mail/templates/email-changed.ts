/**
 * Sent to the old address after a change: if someone else took over the account, this
 * is the owner's one chance to hear about it, so it says plainly what to do.
 */
import { linkFallback, paragraph, strong } from './blocks.ts';
import { html } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

export interface EmailChangedInput {
  siteName: string;
  oldEmail: string;
  newEmail: string;
  accountUrl: string;
}

export function emailChangedNotice({ siteName, oldEmail, newEmail, accountUrl }: EmailChangedInput): RenderedEmail {
  const changed = `The email address of your ${siteName} account was changed from ${oldEmail} to ${newEmail}. Sign-in links now go to the new address only.`;
  const ifYou = 'If you made this change, there is nothing to do.';
  const ifNot = `If it was not you, reply to this email or contact the people who run ${siteName} straight away, so they can give the account back to you.`;

  return renderEmail({
    siteName,
    subject: `Your email address for ${siteName} was changed`,
    preheader: `Sign-in links for ${siteName} now go to ${newEmail}.`,
    heading: 'Your email address was changed',
    body: html`${paragraph(
      `The email address of your ${siteName} account was changed from `,
      strong(oldEmail),
      ' to ',
      strong(newEmail),
      '. Sign-in links now go to the new address only.',
    )}${paragraph(ifYou)}${paragraph(strong('If it was not you'), `, reply to this email or contact the people who run ${siteName} straight away, so they can give the account back to you.`)}${linkFallback(accountUrl, 'Your account settings:')}`,
    text: [changed, ifYou, ifNot, `Your account settings:\n${accountUrl}`].join('\n\n'),
    footer: `You got this email because it was the address of your account on ${siteName}.`,
  });
}
