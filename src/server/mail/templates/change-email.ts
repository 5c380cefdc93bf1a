/**
 * Sent to the new address when a member changes theirs: the change happens only once
 * the link or code proves the new inbox is theirs.
 */
import { button, codeBox, groupCode, linkFallback, note, paragraph, strong } from './blocks.ts';
import { html } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

export interface ChangeEmailInput {
  siteName: string;
  link: string;
  /** The 8-character code, without the dash. */
  code: string;
  minutes: number;
  newEmail: string;
}

export function changeEmailEmail({ siteName, link, code, minutes, newEmail }: ChangeEmailInput): RenderedEmail {
  const intro = `Someone signed in to ${siteName} asked to use this address from now on:`;
  const expiry = `This link and code work once and expire in ${minutes} minutes.`;
  const safety = 'If you did not ask for this, ignore this email — the account keeps its old address.';

  return renderEmail({
    siteName,
    subject: `Confirm your new email address for ${siteName}`,
    preheader: `Confirm ${newEmail} as your address on ${siteName}. ${expiry}`,
    heading: 'Confirm your new address',
    body: html`${paragraph(intro, html`<br>`, strong(newEmail))}${button(link, 'Confirm this address')}${paragraph('Or enter this code on the page that asked for it (typing the dash is optional):')}${codeBox(code)}${note(expiry)}${note(safety)}${linkFallback(link)}`,
    text: [
      `${intro}\n${newEmail}`,
      `Confirm this address:\n${link}`,
      `Or enter this code on the page that asked for it (typing the dash is optional):\n\n    ${groupCode(code)}`,
      expiry,
      safety,
    ].join('\n\n'),
    footer: `You got this email because this address was entered on ${siteName}.`,
  });
}
