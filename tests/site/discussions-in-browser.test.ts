/**
 * A conversation as members click through it, with JavaScript off and on: a thread
 * started in a space, replies nested three deep, the notification that leads back to a
 * reply, refused forms that keep what was typed, and a member banned by the owner.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { siteInBrowser, waitUntilFormIsOldEnough } from './browser.ts';
import { linkIn, waitForEmail } from './outbox-messages.ts';

const { site, browser } = siteInBrowser();
// Set COTERIE_SCREENSHOTS=/tmp/coterie-shots to keep pictures of the discussion pages.
const shotsDir = process.env.COTERIE_SCREENSHOTS;
const ownerEmail = 'wren@hedgerow.example';

const at = (path: string) => new URL(path, site().url).href;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: resolve(shotsDir, `${name}.png`), fullPage: true });
}

/** Signs `email` in as a person would: the form, the emailed link from the outbox, the button. */
async function signIn(context: BrowserContext, email: string, next: string): Promise<Page> {
  const page = await context.newPage();
  const sent = new Date();
  await page.goto(at(`/signin?next=${encodeURIComponent(next)}`));
  await page.getByLabel('Email address').fill(email);
  await waitUntilFormIsOldEnough(page);
  await submit(page, page.getByRole('button', { name: 'Email me a sign-in link' }));
  await page.goto(linkIn(await waitForEmail(site().outboxDir, email, { after: sent })));
  await submit(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  expect(new URL(page.url()).pathname).toBe(next);
  return page;
}

/**
 * Presses a form's button and waits for the page the server answers with: after a
 * redirect the page it leads to, after a refusal the refusal itself. Returns the status
 * of the POST (303 for a redirect).
 */
async function submit(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.request().method() === 'POST' && answer.request().isNavigationRequest()),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response.status();
}

/** The id of the reply a redirect landed on (`#r-<id>`). */
function landedReply(page: Page): string {
  const id = /^#r-(.+)$/.exec(new URL(page.url()).hash)?.[1];
  if (!id) throw new Error(`Expected to land on a reply, but the page is ${page.url()}`);
  return id;
}

/** The message card of one reply (without the replies nested under it). */
const card = (page: Page, replyId: string) => page.locator(`li#r-${replyId} > article.reply-card`);

/** Opens "Reply" under a message, types, and posts; returns the new reply's id. */
async function replyTo(page: Page, replyId: string, text: string): Promise<string> {
  const message = card(page, replyId);
  await message.locator('summary', { hasText: /^Reply$/ }).click();
  await message.getByLabel('Your reply').fill(text);
  expect(await submit(page, message.getByRole('button', { name: 'Post reply' }))).toBe(303);
  return landedReply(page);
}

/** The form at the foot of the thread, for a reply to the thread itself. */
const threadReplyForm = (page: Page) => page.locator('section#reply form');

describe.each([
  { mode: 'without JavaScript', javaScriptEnabled: false, tag: 'js-off' },
  { mode: 'with JavaScript', javaScriptEnabled: true, tag: 'js-on' },
])('a conversation in Field notes, $mode', ({ javaScriptEnabled, tag }) => {
  const run = `${tag}-${Date.now().toString(36)}`;
  const emailA = `ash-${run}@example.com`;
  const emailB = `birch-${run}@example.com`;
  const title = `Kingfisher at the mill pond (${run})`;
  const opening = `Blue flash low over the water at 7am, ${run}.`;
  const words = {
    b1: `Lucky you! Which bank, ${run}?`,
    a1: `The far bank, under the willow, ${run}.`,
    b2: `I will look tomorrow at dawn, ${run}.`,
  };
  let contexts: BrowserContext[] = [];
  let pageA: Page;
  let pageB: Page;
  let threadPath = '';
  const ids = { b1: '', a1: '', b2: '' };

  beforeAll(async () => {
    contexts = await Promise.all([1, 2, 3].map(() => browser().newContext({ javaScriptEnabled })));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it('A signs in, goes from /community to Field notes and starts a thread, accepting the guidelines', async () => {
    pageA = await signIn(contexts[0]!, emailA, '/community');
    await submitLink(pageA, pageA.getByRole('link', { name: 'Field notes', exact: true }));
    expect(new URL(pageA.url()).pathname).toBe('/community/field-notes');
    await submitLink(pageA, pageA.getByRole('link', { name: 'Start a thread' }).first());
    expect(new URL(pageA.url()).pathname).toBe('/community/field-notes/new');

    await pageA.getByLabel('Title').fill(title);
    await pageA.getByLabel('Message').fill(opening);
    await pageA.getByRole('checkbox', { name: /community guidelines/ }).check();
    expect(await submit(pageA, pageA.getByRole('button', { name: 'Start thread' }))).toBe(303);

    threadPath = new URL(pageA.url()).pathname;
    expect(threadPath).toMatch(/^\/t\/[^/]+$/);
    expect(await pageA.locator('h1').innerText()).toContain(title);
    expect(await pageA.locator('.thread-opening').innerText()).toContain(opening);
  });

  it('B replies to the opening, A answers B, and B answers A: each nested in the one before', async () => {
    pageB = await signIn(contexts[1]!, emailB, '/community');
    await pageB.goto(at(threadPath));
    expect(await pageB.locator('.thread-opening').innerText()).toContain(opening);
    const form = threadReplyForm(pageB);
    await form.getByLabel('Start the conversation').fill(words.b1);
    await form.getByRole('checkbox', { name: /community guidelines/ }).check();
    expect(await submit(pageB, form.getByRole('button', { name: 'Post reply' }))).toBe(303);
    ids.b1 = landedReply(pageB);
    expect(await card(pageB, ids.b1).locator('.reply-body').innerText()).toBe(words.b1);

    await pageA.goto(at(threadPath));
    ids.a1 = await replyTo(pageA, ids.b1, words.a1);
    await pageB.goto(at(threadPath));
    ids.b2 = await replyTo(pageB, ids.a1, words.b2);

    // B is back on the thread page (A stays away from it: viewing it marks A's notifications read).
    expect(new URL(pageB.url()).pathname).toBe(threadPath);
    const nested = pageB.locator(`ol.reply-depth-0 > li#r-${ids.b1} > ol.reply-list > li#r-${ids.a1} > ol.reply-list > li#r-${ids.b2}`);
    expect(await nested.count()).toBe(1);
    expect(await card(pageB, ids.b2).locator('.reply-body').innerText()).toBe(words.b2);
    // Each reply is nested once, not also listed at the top.
    expect(await pageB.locator(`ol.reply-depth-0 > li#r-${ids.a1}, ol.reply-depth-0 > li#r-${ids.b2}`).count()).toBe(0);
    expect(await pageB.locator('#replies-heading').innerText()).toBe('3 replies');
    await screenshot(pageB, `discussion-nested-thread-${tag}`);
  });

  it("A finds B's answer in /notifications and follows it to the reply's own page", async () => {
    await pageA.goto(at('/community'));
    await submitLink(pageA, pageA.getByRole('link', { name: 'Notifications' }));
    expect(new URL(pageA.url()).pathname).toBe('/notifications');
    await screenshot(pageA, `discussion-notifications-${tag}`);
    const entry = pageA.locator('.notification', { hasText: words.b2 });
    expect(await entry.count()).toBe(1);
    expect(await entry.getAttribute('class')).toContain('notification-unread');
    expect(await entry.innerText()).toContain(`replied to you in “${title}”`);

    await submitLink(pageA, entry.locator('a.notification-link'));
    expect(new URL(pageA.url()).pathname).toBe(`${threadPath}/r/${ids.b2}`);
    expect(await card(pageA, ids.b2).locator('.reply-body').innerText()).toBe(words.b2);
  });

  it('a refused reply says why and keeps what B typed', async () => {
    await pageB.goto(at(threadPath));
    // Spaces pass the browser's `required` check; the server must still refuse them.
    let form = threadReplyForm(pageB);
    await form.getByLabel('Reply to the thread').fill('   ');
    expect(await submit(pageB, form.getByRole('button', { name: 'Post reply' }))).toBe(400);
    form = threadReplyForm(pageB);
    expect(await form.locator('.form-notice-error').innerText()).toContain('Write something before posting: the text is empty.');

    const long = `${'moth '.repeat(2000)}x`;
    expect(long.length).toBe(10_001);
    await form.getByLabel('Reply to the thread').fill(long);
    expect(await submit(pageB, form.getByRole('button', { name: 'Post reply' }))).toBe(400);
    form = threadReplyForm(pageB);
    expect(await form.locator('.form-notice-error').innerText()).toContain('A post can be at most 10,000 characters; this one has 10,001, 1 too many.');
    expect(await form.getByLabel('Reply to the thread').inputValue()).toBe(long);
    expect(await pageB.locator('#replies-heading').innerText()).toBe('3 replies');
  });

  it('the owner bans B for good from /admin/moderation, and B is told so when replying', async () => {
    const owner = await signIn(contexts[2]!, ownerEmail, '/admin/moderation');
    await owner.getByLabel('Email address or @handle').fill(emailB);
    await owner.getByRole('radio', { name: 'Ban' }).check();
    await owner.getByLabel('For how long').selectOption({ label: 'For good' });
    await owner.getByLabel('Reason').fill(`Spam links in ${run}`);
    expect(await submit(owner, owner.getByRole('button', { name: 'Restrict' }))).toBe(303);
    expect(await owner.locator('.form-notice').first().innerText()).toContain('The member is banned from posting.');
    const row = owner.locator('.moderation-table tbody tr', { hasText: emailB }).filter({ hasText: 'Banned' });
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('For good');
    expect(await row.innerText()).toContain(`Spam links in ${run}`);
    await screenshot(owner, `discussion-moderation-${tag}`);

    await pageB.goto(at(threadPath));
    const form = threadReplyForm(pageB);
    const attempt = `One more thing, ${run}.`;
    await form.getByLabel('Reply to the thread').fill(attempt);
    expect(await submit(pageB, form.getByRole('button', { name: 'Post reply' }))).toBe(403);
    expect(await pageB.locator('section#reply .form-notice-error').innerText()).toContain('You are banned from posting here');
    expect(await threadReplyForm(pageB).getByLabel('Reply to the thread').inputValue()).toBe(attempt);
    await pageA.goto(at(threadPath));
    expect(await pageA.locator('#replies-heading').innerText()).toBe('3 replies');
    expect(await pageA.locator('main').innerText()).not.toContain(attempt);
  });
});

/** Follows a link and waits for the page it opens. */
async function submitLink(page: Page, link: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), link.click()]);
}
