/**
 * Which mailer the site uses: Resend when RESEND_API_KEY is set, the file outbox
 * otherwise, so a fresh checkout signs in without any account anywhere.
 */
import type { Mailer } from './email.ts';
import { createOutboxMailer, outboxDir } from './outbox.ts';
import { createResendMailer } from './resend.ts';

export function createMailer(env: NodeJS.ProcessEnv = process.env): Mailer {
  const apiKey = env.RESEND_API_KEY?.trim();
  if (apiKey) return createResendMailer({ apiKey, baseUrl: env.RESEND_BASE_URL?.trim() || undefined });
  return createOutboxMailer({ dir: outboxDir(env) });
}

// On globalThis, not in a module variable: the start script and the built server bundle
// each load their own copy of this module, and both must share one mailer.
const mailerKey = Symbol.for('coterie.mailer');
const holder = globalThis as typeof globalThis & { [mailerKey]?: Mailer };

/** The process-wide mailer, created from process.env on first use. */
export function getMailer(): Mailer {
  holder[mailerKey] ??= createMailer();
  return holder[mailerKey];
}

/** Replace the process-wide mailer (a recording fake), or clear it to rebuild from env. */
export function setMailerForTests(mailer: Mailer | undefined): void {
  if (mailer) holder[mailerKey] = mailer;
  else delete holder[mailerKey];
}
