/**
 * Where to send someone after signing in. Only paths on this site: an open redirect
 * (`?next=https://evil.example`) would let a phishing page borrow our sign-in flow.
 */
export function safeNextPath(input: unknown): string {
  if (typeof input !== 'string' || input.length > 500) return '/';
  // `//host` and `/\host` are read by browsers as another host.
  if (!input.startsWith('/') || input.startsWith('//') || input.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f]/.test(input)) return '/';
  // Back to the sign-in pages would only be a loop.
  if (input === '/signin' || input.startsWith('/signin/') || input.startsWith('/signin?')) return '/';
  return input;
}
