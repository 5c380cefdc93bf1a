/**
 * Subscribing through the real server, as a browser without JavaScript would: the form
 * on a static page posts to /subscribe, the confirmation arrives in the outbox, opening
 * its link changes nothing, and only the button's POST subscribes. State is read back
 * the way a person would see it: the next email's wording, and the account page.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoPosts } from './demo-posts.ts';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { waitForEmail, type OutboxMessage } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

const get = (path: string) => fetch(new URL(path, site.url), { redirect: 'manual' });

/** The /subscribe/confirm link in a confirmation email's text. */
function confirmLinkIn(message: OutboxMessage): string {
  const link = /https?:\/\/[^\s<>"']+\/subscribe\/confirm\?token=[a-z2-9]+/.exec(message.text)?.[0];
  if (!link) throw new Error(`The email "${message.subject}" to ${message.to} has no /subscribe/confirm link:\n${message.text}`);
  return link;
}

/** Asks to subscribe from a page's form and returns the email that arrives. */
async function subscribe(email: string, from = '/'): Promise<{ response: Response; message: OutboxMessage }> {
  const sent = new Date();
  const response = await postForm(site, '/subscribe', { email, from });
  return { response, message: await waitForEmail(site.outboxDir, email, { after: sent }) };
}

/** The form fields a page's subscribe form would send, read from its HTML. */
function subscribeForms(html: string): { from: string }[] {
  return [...html.matchAll(/<form class="subscribe-form" method="post" action="\/subscribe">([\s\S]*?)<\/form>/g)].map(([, inner = '']) => ({
    from: /name="from" value="([^"]*)"/.exec(inner)?.[1] ?? '',
  }));
}

describe('the subscribe form', () => {
  it('is on the static home page and every public post, posting to /subscribe with the page path', async () => {
    const home = await (await get('/')).text();
    expect(subscribeForms(home)).toEqual([{ from: '/' }, { from: '/' }]);
    const post = demoPosts().find((candidate) => candidate.access === 'public');
    if (!post) throw new Error('The demo community has no public post.');
    const page = await (await get(`/posts/${post.slug}`)).text();
    expect(subscribeForms(page).map((form) => form.from)).toContain(`/posts/${post.slug}`);
    expect(page).toContain('<label for="subscribe-post-email">Your email</label>');
    expect(page).not.toMatch(/<script/i);
  });

  it('stays off pages that ask for an address themselves, so their field keeps its name alone', async () => {
    for (const path of ['/signin', '/subscribe/check']) expect(subscribeForms(await (await get(path)).text()), path).toEqual([]);
  });

  it('is also on gated posts, which are rendered per request', async () => {
    const gated = demoPosts().find((candidate) => candidate.access !== 'public');
    if (!gated) throw new Error('The demo community has no gated post.');
    expect(subscribeForms(await (await get(`/posts/${gated.slug}`)).text()).map((form) => form.from)).toContain(`/posts/${gated.slug}`);
  });

  it('stands alone at /subscribe, keeping a typed address that is refused', async () => {
    const page = await get('/subscribe');
    expect(page.status).toBe(200);
    // The form itself, and no second one in the footer.
    expect(subscribeForms(await page.text())).toHaveLength(1);
    const refused = await postForm(site, '/subscribe', { email: 'wren at example', from: '/' });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('value="wren at example"');
    expect(html).toContain('does not look like an email address');
  });

  it('is refused when posted from another site', async () => {
    const response = await fetch(new URL('/subscribe', site.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=victim@example.com&from=/',
    });
    expect(response.status).toBe(403);
  });
});

describe('double opt-in', () => {
  it('sends a confirmation; opening its link changes nothing; its button subscribes, without signing in', async () => {
    const { response, message } = await subscribe('meadow@example.com', '/about');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/subscribe/check');
    expect(message.subject).toMatch(/^Confirm your subscription to /);
    const link = confirmLinkIn(message);
    expect(link.startsWith(`${site.url}/subscribe/confirm?token=`)).toBe(true);

    const opened = await get(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Confirm subscription</button>');
    // Opening it twice, as mail scanners do, still subscribes nobody: the next request is asked to confirm again.
    await get(link);
    expect((await subscribe('meadow@example.com')).message.subject).toMatch(/^Confirm your subscription/);

    const token = new URL(link).searchParams.get('token') ?? '';
    const confirmed = await postForm(site, '/subscribe/confirm', { token });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.getSetCookie().some((cookie) => cookie.startsWith('coterie_session='))).toBe(false);
    const location = confirmed.headers.get('location') ?? '';
    expect(location).toBe('/subscribe/confirm?done=subscribed&from=%2Fabout');
    const donePage = await (await get(location)).text();
    expect(donePage).toContain('You are subscribed');
    expect(donePage).toContain('href="/signin">Sign in to join the discussion');
    expect(donePage).toContain('href="/join"');
    expect(donePage).toContain('href="/about">Back to where you were');

    // Used once only.
    const again = await postForm(site, '/subscribe/confirm', { token });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('already been used');

    // Subscribed now: the next request says so, and the account page shows the newsletter on.
    expect((await subscribe('meadow@example.com')).message.subject).toMatch(/^You are already subscribed/);
    const cookie = await signInOverHttp(site, 'meadow@example.com');
    const account = await (await fetch(new URL('/account', site.url), { headers: { Cookie: cookie } })).text();
    expect(account).toMatch(/<input type="checkbox" name="newsletter" checked/);
  });

  it('answers a subscriber and a stranger alike', async () => {
    const { message } = await subscribe('already@example.com');
    await postForm(site, '/subscribe/confirm', { token: new URL(confirmLinkIn(message)).searchParams.get('token') ?? '' });
    const shape = async (response: Response) => ({
      status: response.status,
      location: response.headers.get('location'),
      headers: [...response.headers.keys()].filter((name) => name !== 'date').sort(),
      cookies: response.headers.getSetCookie(),
      body: await response.text(),
    });
    const member = await subscribe('already@example.com');
    const stranger = await subscribe('never-seen@example.com');
    expect(await shape(member.response)).toEqual(await shape(stranger.response));
    // The difference is in the inbox, which only its owner reads.
    expect(member.message.subject).toMatch(/^You are already subscribed/);
    expect(stranger.message.subject).toMatch(/^Confirm your subscription/);
  });

  it('says plainly when a link is not valid, and offers a new one', async () => {
    const response = await get('/subscribe/confirm?token=not-a-real-token');
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('not valid');
    expect(html).toContain('href="/subscribe"');
  });
});
