/**
 * Bodies a form page cannot read, through the real server: every page that takes a form
 * answers 400 or 415 with a plain reason to each body shape a browser's form never sends,
 * and changes nothing. Control characters in what a member types (NUL, which Postgres
 * refuses) and in a path are refused the same way, never with a 500.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoPosts } from './demo-posts.ts';
import { cookieSetBy, postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
let owner = '';
let pendingSignIn = '';
let threadId = '';
let replyId = '';
const mark = `HIJACK${Date.now().toString(36)}`;
const publicPost = demoPosts().find((post) => post.access === 'public');

async function submit(path: string, fields: Record<string, string>, cookie = owner): Promise<string> {
  const response = await postForm(site, path, fields, cookie);
  if (response.status !== 303) throw new Error(`POST ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.headers.get('location') ?? '';
}

const page = async (path: string, cookie = owner) => (await fetch(new URL(path, site.url), { headers: cookie ? { Cookie: cookie } : {} })).text();
const outboxCount = async () => (await readdir(site.outboxDir).catch(() => [])).filter((name) => name.endsWith('.json')).length;

beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
  owner = await signInOverHttp(site, 'wren@hedgerow.example');
  await submit('/account', { intent: 'profile', name: 'Wren Owner', handle: '' });
  const created = await submit('/community/field-notes/new', { title: 'A barn owl at dusk', body: 'Over the east meadow.', guidelines: 'on' });
  threadId = /^\/t\/([^/?#]+)$/.exec(created)?.[1] ?? '';
  const replied = await submit(`/t/${threadId}`, { intent: 'reply', body: 'Seen again tonight.' });
  replyId = /#r-([^&?]+)$/.exec(replied)?.[1] ?? '';
  // The code form reads its body only for a browser that asked for a code.
  const asked = await postForm(site, '/signin', { email: 'pending@example.com', next: '/' });
  pendingSignIn = cookieSetBy(asked, 'coterie_signin');
});
afterAll(() => site?.stop());

// Each page that calls formData(), as its own form posts it (the one-click addresses excepted: they read no form).
const formPages = () => [
  '/signin',
  '/signin/check',
  '/signin/confirm',
  '/subscribe',
  '/subscribe/confirm',
  '/join',
  '/account',
  '/notifications',
  '/unsubscribe',
  '/community/field-notes/new',
  `/t/${threadId}`,
  `/t/${threadId}/r/${replyId}`,
  `/posts/${publicPost?.slug}/discussion`,
  '/admin/moderation',
  '/admin/newsletter',
];

// Fields that would change something on most pages, had the page read them.
const fields = `intent=reply&body=${mark}&title=${mark}&name=${mark}&email=${mark}%40example.com&guidelines=on`;
const shapes: [string, Record<string, string>, BodyInit][] = [
  ['text/plain', { 'Content-Type': 'text/plain' }, fields],
  ['JSON', { 'Content-Type': 'application/json' }, JSON.stringify({ intent: 'reply', body: mark, title: mark, name: mark })],
  ['no Content-Type', {}, new TextEncoder().encode(fields)],
  ['application/octet-stream', { 'Content-Type': 'application/octet-stream' }, fields],
  ['a broken multipart body', { 'Content-Type': 'multipart/form-data; boundary=coterie' }, `--coterie\r\nContent-Disposition: form-data; name="body"\r\n\r\n${mark}`],
  ['a multipart with no boundary', { 'Content-Type': 'multipart/form-data' }, `--coterie\r\nContent-Disposition: form-data; name="body"\r\n\r\n${mark}\r\n--coterie--\r\n`],
];

describe('bodies a form page cannot read', () => {
  it('are answered 400 or 415 with a plain reason by every form page', async () => {
    expect(threadId).not.toBe('');
    expect(replyId).not.toBe('');
    const emailsBefore = await outboxCount();
    const answers: string[] = [];
    for (const path of formPages()) {
      for (const [label, headers, body] of shapes) {
        const cookie = path.startsWith('/signin/check') ? `${owner}; ${pendingSignIn}` : owner;
        const response = await fetch(new URL(path, site.url), { method: 'POST', redirect: 'manual', headers: { Origin: site.url, Cookie: cookie, ...headers }, body });
        const text = await response.text();
        const plain = response.headers.get('content-type')?.startsWith('text/plain') && /Nothing was changed/.test(text);
        answers.push(`${path} ${label}: ${response.status}${plain ? '' : ' (not a plain reason)'}`);
      }
    }
    const expected = answers.map((line) => line.replace(/: .*$/, ': 4xx'));
    expect(answers.map((line) => line.replace(/: (400|415)$/, ': 4xx'))).toEqual(expected);

    // Nothing changed: no reply, thread, name or email came of any of them.
    expect(await page(`/t/${threadId}`)).not.toContain(mark);
    expect(await page('/community/field-notes')).not.toContain(mark);
    expect(await page('/account')).toContain('value="Wren Owner"');
    expect(await outboxCount()).toBe(emailsBefore);
  });

  it('leaves the forms themselves working (the control)', async () => {
    expect(await submit(`/t/${threadId}`, { intent: 'reply', body: 'A second sighting.' })).toMatch(/#r-/);
    const form = new FormData();
    form.append('intent', 'reply');
    form.append('body', 'Sent as multipart.');
    const multipart = await fetch(new URL(`/t/${threadId}`, site.url), { method: 'POST', redirect: 'manual', headers: { Origin: site.url, Cookie: owner }, body: form });
    expect(multipart.status).toBe(303);
  });

  it('do not reach the one-click unsubscribe addresses, which mail clients post to with any body', async () => {
    const stop = await fetch(new URL('/notifications/stop?token=not-a-token', site.url), { method: 'POST', redirect: 'manual', body: new Uint8Array() });
    expect(stop.status).toBe(400);
    expect(await stop.text()).toContain('This link is not valid');
  });
});

describe('control characters', () => {
  it('in a thread title are refused with a reason, and no thread is made', async () => {
    const response = await postForm(site, '/community/field-notes/new', { title: `Owl\u0000${mark}`, body: 'Hoot.', guidelines: 'on' }, owner);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The “title” field holds a control character');
    expect(await page('/community/field-notes')).not.toContain(mark);
  });

  it('in a display name are refused, and the name stays', async () => {
    const response = await postForm(site, '/account', { intent: 'profile', name: `Wren\u0000`, handle: '' }, owner);
    expect(response.status).toBe(400);
    expect(await page('/account')).toContain('value="Wren Owner"');
  });

  it('in an email address are refused, and no email is sent', async () => {
    const before = await outboxCount();
    for (const path of ['/signin', '/subscribe']) {
      const response = await postForm(site, path, { email: `owl\u0000@example.com`, next: '/' });
      expect(response.status, path).toBe(400);
    }
    const change = await postForm(site, '/account', { intent: 'email', email: `owl\u0000@example.com` }, owner);
    expect(change.status).toBe(400);
    expect(await outboxCount()).toBe(before);
  });

  it('in a reply are refused by the reply rule, which keeps what was typed', async () => {
    const response = await postForm(site, `/t/${threadId}`, { intent: 'reply', body: `Kept words ${mark}\u0000` }, owner);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`Kept words ${mark}`);
  });

  it('in a path answer the site’s 404, signed in or not', async () => {
    for (const path of ['/t/%00', `/t/%00/r/${replyId}`, `/t/${threadId}/r/%00`, '/community/%00', '/community/%00/new', '/posts/%00', '/posts/%00/discussion', '/newsletter/%00', '/dev/outbox/%00', '/t/%01']) {
      for (const cookie of ['', owner]) {
        const response = await fetch(new URL(path, site.url), { headers: cookie ? { Cookie: cookie } : {} });
        expect(response.status, `${path}${cookie ? ' signed in' : ''}`).toBe(404);
        expect(await response.text(), path).toContain('</html>');
      }
    }
    const posted = await postForm(site, '/t/%00', { intent: 'reply', body: 'x' }, owner);
    expect(posted.status).toBe(404);
  });
});
