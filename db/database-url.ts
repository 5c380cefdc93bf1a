/**
 * Checks a Postgres connection URL before any driver sees it, and hides its password
 * in every message, so a typo in DATABASE_URL gives one clear line instead of a
 * driver stack trace (and never prints the secret).
 */

/**
 * Returns the URL if it is a postgres:// or postgresql:// URL with a host, else throws
 * an Error that names `source` (say, "DATABASE_URL") and shows the value redacted.
 */
export function checkPostgresUrl(raw: string, source: string): string {
  const example = 'Expected postgres://USER:PASSWORD@HOST:5432/DATABASE';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${source} is not a valid URL: "${redactUrl(raw)}". ${example}.`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(
      `${source} must start with postgres:// or postgresql:// (got "${url.protocol}//…"). ${example}, ` +
        'or unset it to use the embedded database in ./data.',
    );
  }
  if (url.hostname === '') throw new Error(`${source} has no host: "${redactUrl(raw)}". ${example}.`);
  return raw;
}

/** The URL with its password replaced by ***, also when the URL does not parse. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    // Unparseable: blank anything between "user:" and "@" the way a URL would hold a password.
    return raw.replace(/(\/\/[^/:@]*:)[^@]*@/, '$1***@');
  }
}
