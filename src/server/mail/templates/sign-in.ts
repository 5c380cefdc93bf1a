/**
 * The sign-in email: one link and the same secret as a code, for when the email is
 * read on another device than the one signing in. The code stays out of the subject
 * and the preview line, which lock screens show to anyone nearby.
 */
import { button, codeBox, groupCode, linkFallback, note, paragraph } from './blocks.ts';
import { html } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

export interface SignInEmailInput {
  siteName: string;
  link: string;
  /** The 8-character code, without the dash. */
  code: string;
  minutes: number;
  /** First sign-in: the email confirms the address as much as it signs in. */
  isNewMember: boolean;
}

export function signInEmail({ siteName, link, code, minutes, isNewMember }: SignInEmailInput): RenderedEmail {
  const subject = isNewMember ? `Confirm your email for ${siteName}` : `Sign in to ${siteName}`;
  const heading = isNewMember ? 'Confirm your email' : `Sign in to ${siteName}`;
  const intro = isNewMember
    ? `Confirm this address to finish joining ${siteName}. You will be signed in straight away.`
    : `Use the button below to sign in to ${siteName}.`;
  const action = isNewMember ? 'Confirm and sign in' : 'Sign in';
  const expiry = `This link and code work once and expire in ${minutes} minutes.`;
  const safety = 'If you did not ask for this, ignore this email — nobody can sign in without it.';

  return renderEmail({
    siteName,
    subject,
    preheader: `Your sign-in link for ${siteName}. ${expiry}`,
    heading,
    body: html`${paragraph(intro)}${button(link, action)}${paragraph('Or enter this code on the sign-in page (typing the dash is optional):')}${codeBox(code)}${note(expiry)}${note(safety)}${linkFallback(link)}`,
    text: [
      intro,
      `${action}:\n${link}`,
      `Or enter this code on the sign-in page (typing the dash is optional):\n\n    ${groupCode(code)}`,
      expiry,
      safety,
    ].join('\n\n'),
    footer: `You got this email because someone entered this address on ${siteName}.`,
  });
}
