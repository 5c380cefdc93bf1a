import type { Email, Mailer } from '../../src/server/mail/email.ts';

/** A mailer that keeps what it is given, for tests of code that sends through the mail port. */
export function recordingMailer(): Mailer & { sent: Email[]; last(): Email } {
  const sent: Email[] = [];
  return {
    kind: 'outbox',
    sent,
    async send(email) {
      sent.push(email);
      return { id: `recorded-${sent.length}` };
    },
    async sendBatch(emails) {
      return emails.map((email) => {
        sent.push(email);
        return { id: `recorded-${sent.length}` };
      });
    },
    last() {
      const email = sent.at(-1);
      if (!email) throw new Error('No email was sent.');
      return email;
    },
  };
}

/** The link token and code in a sign-in email (address-change emails carry no code: ''). */
export function tokenAndCode(email: Email): { token: string; code: string } {
  const token = /\/signin\/confirm\?token=([a-z2-9]+)/.exec(email.text)?.[1];
  const code = /\b([0-9A-Z]{4}-[0-9A-Z]{4})\b/.exec(email.text)?.[1] ?? '';
  if (!token) throw new Error(`No sign-in link in:\n${email.text}`);
  return { token, code };
}
