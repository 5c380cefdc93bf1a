/**
 * The three billing emails: welcome to a tier, a payment that failed, and access that
 * is ending. Each names what happened, what it means for reading, and the one action.
 */
import { button, linkFallback, note, paragraph, strong } from './blocks.ts';
import { html } from './escape-html.ts';
import { renderEmail, type RenderedEmail } from './layout.ts';

export function welcomeToTierEmail(input: { siteName: string; tierName: string; trialEndsOn?: string; readUrl: string }): RenderedEmail {
  const { siteName, tierName, trialEndsOn, readUrl } = input;
  const lead = `You are now a ${tierName} member of ${siteName}. Every post your membership unlocks is open to you.`;
  const trial = trialEndsOn ? `Your free trial runs until ${trialEndsOn}; you will not be charged before then.` : '';
  return renderEmail({
    siteName,
    subject: `Welcome to ${siteName}, ${tierName}`,
    preheader: lead,
    heading: `Welcome, ${tierName}`,
    body: html`${paragraph(lead)}${trial ? note(trial) : undefined}${button(readUrl, 'Start reading')}${linkFallback(readUrl)}`,
    text: [lead, trial, `Start reading:\n${readUrl}`].filter(Boolean).join('\n\n'),
    footer: `You got this email because you joined ${siteName} as ${tierName}.`,
  });
}

export function paymentFailedEmail(input: { siteName: string; tierName: string; graceEndsOn: string; billingUrl: string }): RenderedEmail {
  const { siteName, tierName, graceEndsOn, billingUrl } = input;
  const lead = `We could not take the payment for your ${tierName} membership of ${siteName}.`;
  const keep = `You keep reading until ${graceEndsOn} while the card is retried. Updating your payment method now keeps it that way.`;
  return renderEmail({
    siteName,
    subject: `Your ${siteName} payment did not go through`,
    preheader: `Update your payment method to keep your ${tierName} membership.`,
    heading: 'Your payment did not go through',
    body: html`${paragraph(lead)}${paragraph(strong(keep))}${button(billingUrl, 'Update payment method')}${linkFallback(billingUrl)}`,
    text: [lead, keep, `Update your payment method:\n${billingUrl}`].join('\n\n'),
    footer: `You got this email because you are a ${tierName} member of ${siteName}.`,
  });
}

export function accessEndingEmail(input: { siteName: string; tierName: string; endsOn: string; billingUrl: string }): RenderedEmail {
  const { siteName, tierName, endsOn, billingUrl } = input;
  const lead = `Your ${tierName} membership of ${siteName} is cancelled and ends on ${endsOn}. Until then nothing changes.`;
  const after = 'After that you stay a free member: public and members’ posts stay open to you. Changed your mind? You can resume before it ends.';
  return renderEmail({
    siteName,
    subject: `Your ${tierName} membership ends on ${endsOn}`,
    preheader: lead,
    heading: 'Your membership is ending',
    body: html`${paragraph(lead)}${paragraph(after)}${button(billingUrl, 'Resume membership')}${linkFallback(billingUrl)}`,
    text: [lead, after, `Resume or manage your membership:\n${billingUrl}`].join('\n\n'),
    footer: `You got this email because you are a ${tierName} member of ${siteName}.`,
  });
}

/** To the owner, when two checkouts finished at once and a capped tier went one over. */
export function seatCapExceededEmail(input: { siteName: string; tierName: string; memberEmail: string; seats: number; seatCap: number; accountsUrl: string }): RenderedEmail {
  const { siteName, tierName, memberEmail, seats, seatCap, accountsUrl } = input;
  const lead = `${memberEmail} joined ${tierName} as member ${seats} of a cap of ${seatCap}: checkouts that started while a seat was free finished together.`;
  const what = 'Nothing was cancelled: they paid in good faith. If you want to hold the cap, refund and cancel that subscription in the Stripe dashboard.';
  return renderEmail({
    siteName,
    subject: `${tierName} is over its seat cap (${seats} of ${seatCap})`,
    preheader: lead,
    heading: `${tierName} went over its cap`,
    body: html`${paragraph(lead)}${paragraph(what)}${linkFallback(accountsUrl, 'Stripe dashboard:')}`,
    text: [lead, what, `Stripe dashboard:\n${accountsUrl}`].join('\n\n'),
    footer: `You got this email because you own ${siteName}.`,
  });
}
