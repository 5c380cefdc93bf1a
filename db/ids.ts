import { randomBytes } from 'node:crypto';

// Lower-case RFC 4648 base32: URL-safe, case-insensitive, no look-alike 0/1/8/9.
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new opaque id: 20 base32 characters (100 random bits).
 * Random rather than a counter so ids never reveal how many members or rows exist.
 */
export function newId(): string {
  const bytes = randomBytes(20);
  let id = '';
  // 256 is a multiple of 32, so taking the low 5 bits keeps every character equally likely.
  for (const byte of bytes) id += alphabet[byte & 31];
  return id;
}
