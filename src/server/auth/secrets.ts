/**
 * Random secrets and their hashes, for session tokens, sign-in links and codes.
 * Everything here uses node:crypto's CSPRNG; nothing is derived from time or counters.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Lower-case letters and digits without look-alikes (l, o, 0, 1): 32 symbols, 5 bits each.
const tokenAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
// Crockford's base32 for codes people type: no I, L, O or U to misread.
const codeAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` symbols of 5 random bits each; 24 symbols carry 120 bits. */
export function randomString(length: number, alphabet: string = tokenAlphabet): string {
  if (alphabet.length !== 32) throw new Error('randomString needs a 32-symbol alphabet.');
  const bytes = randomBytes(length);
  let out = '';
  // Keeping 5 of each byte's 8 bits: 256 divides evenly by 32, so every symbol is equally likely.
  for (const byte of bytes) out += alphabet[byte >> 3];
  return out;
}

/** An 8-symbol code for typing from an email: 40 bits, attempts limited by the caller. */
export function randomCode(): string {
  return randomString(8, codeAlphabet);
}

/**
 * What a person typed, reduced to the code's alphabet: case, spaces and dashes ignored,
 * and the letters people confuse with digits read as those digits.
 */
export function normalizeCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** A code as shown in emails: two groups of four, easier to read and type. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Hex SHA-256. Secrets here are long and random, so a fast hash is the right one. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares two hex digests in constant time: a plain === leaks the common prefix through timing. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
