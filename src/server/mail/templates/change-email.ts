/**
 * Sent to the new address when a member changes theirs: the change happens only once
 * the link proves the new inbox is theirs. No code: codes sign in the browser that
 * asked, and an address change is confirmed from the inbox itself.
 */
import { button, linkFallback, note, paragraph, strong } from './blocks.ts';
import { html } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

export interface ChangeEmailInput {
  siteName: string;
  link: string;
  minutes: number;
  newEmail: string;
}

export function changeEmailEmail({ siteName, link, minutes, newEmail }: ChangeEmailInput): RenderedEmail {
  const intro = `Someone signed in to ${siteName} asked to use this address from now on:`;
  const expiry = `This link works once and expires in ${minutes} minutes.`;
  const safety = 'If you did not ask for this, ignore this email — the account keeps its old address.';

  return renderEmail({
    siteName,
    subject: `Confirm your new email address for ${siteName}`,
    preheader: `Confirm ${newEmail} as your address on ${siteName}. ${expiry}`,
    heading: 'Confirm your new address',
    body: html`${paragraph(intro, html`<br>`, strong(newEmail))}${button(link, 'Confirm this address')}${note(expiry)}${note(safety)}${linkFallback(link)}`,
    text: [
      `${intro}\n${newEmail}`,
      `Confirm this address:\n${link}`,
      expiry,
      safety,
    ].join('\n\n'),
    footer: `You got this email because this address was entered on ${siteName}.`,
  });
}
