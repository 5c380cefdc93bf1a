import { botPolicy } from '../../src/server/bot-defence/bot-policy.ts';
import { issueFormStamp } from '../../src/server/bot-defence/form-stamp.ts';
import { linkIn, waitForEmail } from './outbox-messages.ts';
import type { RunningSite } from './site-server.ts';

/**
 * A POST from the site's own pages, as a browser sends it. The sign-in page is rendered
 * per request with a signed time stamp, so a POST to /signin carries one, as if the page
 * had been open for a minute, unless `fields` gives its own (or '' for none).
 */
export function postForm(site: RunningSite, path: string, fields: Record<string, string>, cookie = ''): Promise<Response> {
  const stamped = path === '/signin' && !(botPolicy.stampField in fields) ? { ...fields, [botPolicy.stampField]: formStamp(site, 'signin') } : fields;
  return fetch(new URL(path, site.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: site.url, 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(stamped),
  });
}

/** The stamp the site's page would have carried, rendered `agoMs` before now. */
export function formStamp(site: RunningSite, form: 'signin' | 'subscribe', agoMs = 60_000): string {
  return issueFormStamp(site.secret, form, new Date(Date.now() - agoMs));
}

/** The `name=value` of a cookie a response sets, or '' when it sets none by that name. */
export function cookieSetBy(response: Response, name: string): string {
  const pair = response.headers.getSetCookie().map((line) => line.split(';')[0] ?? '').find((found) => found.startsWith(`${name}=`));
  return pair && pair.length > name.length + 1 ? pair : '';
}

/**
 * Signs `email` in through the real pages, as a browser without JavaScript would, and
 * returns the `Cookie` header value to send.
 */
export async function signInOverHttp(site: RunningSite, email: string): Promise<string> {
  const sent = new Date();
  const asked = await postForm(site, '/signin', { email, next: '/' });
  if (asked.status !== 303) throw new Error(`POST /signin answered ${asked.status}: ${await asked.text()}`);
  const token = new URL(linkIn(await waitForEmail(site.outboxDir, email, { after: sent }))).searchParams.get('token') ?? '';
  const confirmed = await postForm(site, '/signin/confirm', { token });
  const session = cookieSetBy(confirmed, 'coterie_session');
  if (confirmed.status !== 303 || !session) throw new Error(`Confirming answered ${confirmed.status} without a session cookie`);
  return session;
}
