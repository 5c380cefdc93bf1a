/**
 * The double opt-in email: nobody is added to the newsletter until the inbox's owner
 * presses the button. Someone already subscribed gets the same kind of email, saying
 * so, because the form answers alike either way and only this inbox may learn which.
 */
import { button, linkFallback, note, paragraph } from './blocks.ts';
import { html } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

export interface NewsletterConfirmInput {
  siteName: string;
  /** What the newsletter is called; the site's name when it has none of its own. */
  newsletterName: string;
  /** The /subscribe/confirm link: opens a page whose button confirms. */
  link: string;
  hours: number;
  /** The address already gets the newsletter: nothing to confirm. */
  alreadySubscribed: boolean;
  /** Where a subscriber manages their emails (the account page, behind sign-in). */
  accountUrl: string;
}

export function newsletterConfirmEmail(input: NewsletterConfirmInput): RenderedEmail {
  return input.alreadySubscribed ? alreadySubscribed(input) : confirmSubscription(input);
}

function confirmSubscription({ siteName, newsletterName, link, hours }: NewsletterConfirmInput): RenderedEmail {
  const intro = `Someone, hopefully you, asked to get ${newsletterName} by email. Confirm this address to start receiving it.`;
  const action = 'Confirm subscription';
  const expiry = `This link works once and expires in ${hours} hours.`;
  const safety = 'If you did not ask for this, ignore this email: you will not be subscribed.';

  return renderEmail({
    siteName,
    subject: `Confirm your subscription to ${newsletterName}`,
    preheader: `One click to start getting ${newsletterName}. ${expiry}`,
    heading: 'Confirm your subscription',
    body: html`${paragraph(intro)}${button(link, action)}${note(expiry)}${note(safety)}${linkFallback(link)}`,
    text: [intro, `${action}:\n${link}`, expiry, safety].join('\n\n'),
    footer: `You got this email because someone entered this address in the newsletter form on ${siteName}.`,
  });
}

function alreadySubscribed({ siteName, newsletterName, accountUrl }: NewsletterConfirmInput): RenderedEmail {
  const intro = `Someone, hopefully you, asked to get ${newsletterName} by email. This address already gets it, so there is nothing to confirm.`;
  const manage = 'To choose which emails you get, sign in and open your account:';
  const safety = 'If you did not ask for this, ignore this email: nothing has changed.';

  return renderEmail({
    siteName,
    subject: `You are already subscribed to ${newsletterName}`,
    preheader: `This address already gets ${newsletterName}.`,
    heading: 'You are already subscribed',
    body: html`${paragraph(intro)}${paragraph(manage)}${button(accountUrl, 'Manage your emails')}${note(safety)}`,
    text: [intro, `${manage}\n${accountUrl}`, safety].join('\n\n'),
    footer: `You got this email because someone entered this address in the newsletter form on ${siteName}.`,
  });
}
