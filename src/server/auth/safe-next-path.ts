/**
 * Where to send someone after signing in. Only paths on this site: an open redirect
 * (`?next=https://evil.example`) would let a phishing page borrow our sign-in flow.
 * The path returned is plain ASCII, ready for a `Location` header.
 */
export function safeNextPath(input: unknown): string {
  if (typeof input !== 'string' || input.length > 500) return '/';
  // `//host` and `/\host` are read by browsers as another host.
  if (!input.startsWith('/') || input.startsWith('//') || input.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f]/.test(input)) return '/';
  // Back to the sign-in pages would only be a loop.
  if (input === '/signin' || input.startsWith('/signin/') || input.startsWith('/signin?')) return '/';
  const encoded = percentEncodeNonAscii(input);
  return encoded === undefined || encoded.length > 2000 ? '/' : encoded;
}

/**
 * Headers carry bytes, not text: a redirect to `/日本` (or U+2028) throws when the response
 * is built, after a sign-in link was already spent. Encoding each such character as a
 * browser would leaves the path meaning the same, and `%` being ASCII makes it idempotent.
 * Undefined for a lone surrogate, which has no UTF-8 form.
 */
function percentEncodeNonAscii(path: string): string | undefined {
  try {
    return path.replace(/[^\u0021-\u007e]/gu, (character) => encodeURIComponent(character));
  } catch {
    return undefined;
  }
}
