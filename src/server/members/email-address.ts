/**
 * Email addresses as the site stores them: trimmed and lower-cased, so one person is
 * one member whatever case they type. (The local part is case-sensitive in theory; no
 * mail provider people use treats it so, and two accounts for one inbox is worse.)
 */
export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}

// Deliberately loose: the emailed link is the real check. This only catches typos
// such as a missing @ or domain before we send anything.
const plausibleEmail = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
const maxEmailLength = 254;

/** The normalized address, or undefined when it cannot be an email address. */
export function parseEmail(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const email = normalizeEmail(input);
  return email.length <= maxEmailLength && plausibleEmail.test(email) ? email : undefined;
}
