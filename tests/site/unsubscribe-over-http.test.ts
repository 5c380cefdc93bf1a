/**
 * Unsubscribing through the real server (`scripts/start.ts` serving the test build): the
 * RFC 8058 one-click POST as a mail client sends it (no cookie, no Origin), forged links
 * refused, and the preference page, whose GET changes nothing and whose POST saves.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unsubscribeLinks, unsubscribeParams } from '../../src/server/newsletter/unsubscribe-token.ts';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

// Set here, so the test can sign links the way the server does.
const secret = 'unsubscribe-site-test-secret-0123456789abcdef';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'), { COTERIE_SECRET: secret });
});
afterAll(() => site?.stop());

interface Reader {
  cookie: string;
  memberId: string;
  /** The signed query of the member's own preference link, `?m=…&c=&t=…`. */
  query: string;
}

/** A signed-in subscriber, and their signed link as the preference page hands it out. */
async function subscriber(email: string): Promise<Reader> {
  const cookie = await signInOverHttp(site, email);
  await setNewsletter(cookie, true);
  // Signed in and without a link, the page sends a member to their own.
  const own = await fetch(new URL('/unsubscribe', site.url), { redirect: 'manual', headers: { Cookie: cookie } });
  expect(own.status).toBe(303);
  const location = new URL(own.headers.get('location') ?? '', site.url);
  const { memberId, campaignId, token } = unsubscribeParams(location.searchParams);
  expect(location.pathname).toBe('/unsubscribe');
  // The server signed it with the secret we gave it, as the sender will.
  const expected = new URL(unsubscribeLinks(new URL(site.url), { memberId, campaignId: '' }, secret).preferencesUrl);
  expect(token).toBe(expected.searchParams.get('t'));
  expect(campaignId).toBe('');
  return { cookie, memberId, query: location.search };
}

async function setNewsletter(cookie: string, on: boolean): Promise<void> {
  const fields: Record<string, string> = { intent: 'newsletter', 'notification-emails': 'on' };
  if (on) fields.newsletter = 'on';
  expect((await postForm(site, '/account', fields, cookie)).status).toBe(303);
}

async function emailSettings(cookie: string): Promise<{ newsletter: string; notificationEmails: boolean }> {
  const data = (await (await fetch(new URL('/account/data.json', site.url), { headers: { Cookie: cookie } })).json()) as { member: { newsletter: string } };
  const account = await (await fetch(new URL('/account', site.url), { headers: { Cookie: cookie } })).text();
  return { newsletter: data.member.newsletter, notificationEmails: /<input[^>]*name="notification-emails"[^>]*checked/.test(account) };
}

/** A one-click POST exactly as a mail client makes it: no cookie, no Origin, no Referer. */
const oneClick = (query: string, body: string | undefined = 'List-Unsubscribe=One-Click') =>
  fetch(new URL(`/unsubscribe/one-click${query}`, site.url), {
    method: 'POST',
    redirect: 'manual',
    headers: body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });

describe('one-click unsubscribe (RFC 8058)', () => {
  let wren: Reader;
  beforeAll(async () => {
    wren = await subscriber('one-click@example.com');
  });

  it('works with no cookie and no Origin, and says so in plain text', async () => {
    const response = await oneClick(wren.query);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('You are unsubscribed from The Hedgerow Weekly.\n');
    expect((await emailSettings(wren.cookie)).newsletter).toBe('unsubscribed');
  });

  it('works with an empty body too, and a second time', async () => {
    await setNewsletter(wren.cookie, true);
    expect((await oneClick(wren.query, undefined)).status).toBe(200);
    expect((await oneClick(wren.query, '')).status).toBe(200);
    expect((await emailSettings(wren.cookie)).newsletter).toBe('unsubscribed');
  });

  it('refuses a forged or incomplete link, and changes nothing', async () => {
    await setNewsletter(wren.cookie, true);
    const params = new URLSearchParams(wren.query);
    const forged = new URLSearchParams(params);
    forged.set('t', 'A'.repeat(43));
    const otherCampaign = new URLSearchParams(params);
    otherCampaign.set('c', 'somecampaign2345abcd');

    const refused = await oneClick(`?${forged}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/not valid.*Nothing was changed/);
    expect((await oneClick(`?${otherCampaign}`)).status).toBe(403);
    expect((await oneClick(`?m=${params.get('m')}`)).status).toBe(400);
    expect((await oneClick('')).status).toBe(400);
    expect((await emailSettings(wren.cookie)).newsletter).toBe('subscribed');
  });

  it('sends a GET to the preference page, changing nothing', async () => {
    const response = await fetch(new URL(`/unsubscribe/one-click${wren.query}`, site.url), { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/unsubscribe${wren.query}`);
    expect((await emailSettings(wren.cookie)).newsletter).toBe('subscribed');
  });
});

describe('the preference page', () => {
  let robin: Reader;
  beforeAll(async () => {
    robin = await subscriber('preferences@example.com');
  });
  const page = (query: string) => fetch(new URL(`/unsubscribe${query}`, site.url), { redirect: 'manual' });
  const fieldsOf = (query: string) => {
    const params = new URLSearchParams(query);
    return { m: params.get('m') ?? '', c: params.get('c') ?? '', t: params.get('t') ?? '' };
  };

  it('opens without signing in, shows the switches, and changes nothing', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await page(robin.query);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      const html = await response.text();
      expect(html).toContain('p•••@example.com');
      expect(html).not.toContain('preferences@example.com');
      expect(html).toMatch(/<input[^>]*name="digest"[^>]*checked/);
      expect(html).toContain('Unsubscribe from everything');
    }
    expect(await emailSettings(robin.cookie)).toEqual({ newsletter: 'subscribed', notificationEmails: true });
  });

  it('saves on POST from the page, then shows a confirmation', async () => {
    const saved = await postForm(site, '/unsubscribe', { ...fieldsOf(robin.query), intent: 'save', 'notification-emails': 'on' });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location') ?? '';
    expect(location).toMatch(/^\/unsubscribe\?.*done=saved/);
    expect(await emailSettings(robin.cookie)).toEqual({ newsletter: 'unsubscribed', notificationEmails: true });
    expect(await (await page(location.slice('/unsubscribe'.length))).text()).toContain('Your email preferences are saved.');

    await postForm(site, '/unsubscribe', { ...fieldsOf(robin.query), intent: 'save', digest: 'on' });
    expect(await emailSettings(robin.cookie)).toEqual({ newsletter: 'subscribed', notificationEmails: false });
  });

  it('unsubscribes from everything with one button', async () => {
    await setNewsletter(robin.cookie, true);
    const response = await postForm(site, '/unsubscribe', { ...fieldsOf(robin.query), intent: 'everything' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/done=everything/);
    expect(await emailSettings(robin.cookie)).toEqual({ newsletter: 'unsubscribed', notificationEmails: false });
  });

  it('still needs the same-site check on its own form', async () => {
    await setNewsletter(robin.cookie, true);
    const response = await fetch(new URL('/unsubscribe', site.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fieldsOf(robin.query), intent: 'everything' }),
    });
    expect(response.status).toBe(403);
    expect((await emailSettings(robin.cookie)).newsletter).toBe('subscribed');
  });

  it('says a forged link is not valid, with 400, and saves nothing from it', async () => {
    const forged = new URLSearchParams(robin.query);
    forged.set('t', 'A'.repeat(43));
    const response = await page(`?${forged}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This unsubscribe link is not valid');
    const posted = await postForm(site, '/unsubscribe', { ...fieldsOf(`?${forged}`), intent: 'everything' });
    expect(posted.status).toBe(400);
    expect((await emailSettings(robin.cookie)).newsletter).toBe('subscribed');
    expect((await page('')).status).toBe(400);
  });
});
