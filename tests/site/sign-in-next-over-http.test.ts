/**
 * Where sign-in sends a member next, when that place is written outside ASCII (`/日本`,
 * an ideographic full stop, a line separator): the redirect must carry it encoded, the
 * link must sign the member in, and nothing may answer 500 after the link was spent.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cookieSetBy, postForm, signInOverHttp } from './http-sign-in.ts';
import { codeIn, linkIn, waitForEmail } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

const places = [
  ['/日本', '/%E6%97%A5%E6%9C%AC'],
  ['/posts/a\u3002b', '/posts/a%E3%80%82b'],
  ['/posts/a\u2028b', '/posts/a%E2%80%A8b'],
] as const;

const signedIn = async (cookie: string) =>
  (await fetch(new URL('/account', site.url), { redirect: 'manual', headers: { Cookie: cookie } })).status === 200;

describe('a next place outside ASCII', () => {
  it.each(places)('%s: the emailed link signs the member in and goes there, encoded', async (next, encoded) => {
    const email = `next-${encoded.length}-${Date.now().toString(36)}@example.com`;
    const sent = new Date();
    const asked = await postForm(site, '/signin', { email, next });
    expect(asked.status).toBe(303);
    const token = new URL(linkIn(await waitForEmail(site.outboxDir, email, { after: sent }))).searchParams.get('token') ?? '';
    const confirmed = await postForm(site, '/signin/confirm', { token });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(encoded);
    const session = cookieSetBy(confirmed, 'coterie_session');
    expect(await signedIn(session)).toBe(true);
  });

  it('the emailed code signs the member in and goes there too', async () => {
    const email = `next-code-${Date.now().toString(36)}@example.com`;
    const sent = new Date();
    const asked = await postForm(site, '/signin', { email, next: '/日本' });
    const pending = cookieSetBy(asked, 'coterie_signin');
    const code = codeIn(await waitForEmail(site.outboxDir, email, { after: sent }));
    const checked = await postForm(site, '/signin/check', { code }, pending);
    expect(checked.status).toBe(303);
    expect(checked.headers.get('location')).toBe('/%E6%97%A5%E6%9C%AC');
    expect(await signedIn(cookieSetBy(checked, 'coterie_session'))).toBe(true);
  });

  it.each(places)('%s: a signed-in member opening the sign-in page is sent on, encoded', async (next, encoded) => {
    const cookie = await signInOverHttp(site, `already-${encoded.length}@example.com`);
    const response = await fetch(new URL(`/signin?next=${encodeURIComponent(next)}`, site.url), { redirect: 'manual', headers: { Cookie: cookie } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(encoded);
  });
});
