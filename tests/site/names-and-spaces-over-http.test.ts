/**
 * Who is who, through the real server with plain HTTP: staff names nobody else may take,
 * staff marked beside their names, nameless members named kindly, the header of
 * on-demand pages (notifications, admin links), the welcome threads made at start, and
 * a listed paid space that shows free members what unlocks it and nothing of its threads.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
const run = Date.now().toString(36);
const cookies = { owner: '', free: '', nameless: '' };
type Reader = keyof typeof cookies | 'anonymous';

async function get(path: string, reader: Reader): Promise<{ status: number; body: string }> {
  const cookie = reader === 'anonymous' ? '' : cookies[reader];
  const response = await fetch(new URL(path, site.url), { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  return { status: response.status, body: await response.text() };
}

async function submit(path: string, fields: Record<string, string>, reader: Exclude<Reader, 'anonymous'>): Promise<string> {
  const response = await postForm(site, path, fields, cookies[reader]);
  if (response.status !== 303) throw new Error(`POST ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.headers.get('location') ?? '';
}

/** The text of every `.author-name` on a page, each with the staff mark after it, if any. */
function authorsOn(html: string): string[] {
  return [...html.matchAll(/<span class="author-name[^"]*"[^>]*>([^<]*)<\/span>(?:\s*<span class="staff-mark[^"]*"[^>]*>([^<]*)<\/span>)?/g)].map(
    ([, name, mark]) => (mark ? `${name} [${mark}]` : `${name}`),
  );
}

/** The site header's HTML. */
const headerOf = (html: string) => /<header class="site-header">[\s\S]*?<\/header>/.exec(html)?.[0] ?? '';

let welcomeThreadId = '';

beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

describe('welcome threads', () => {
  it('are there at start, written by the owner (named after the community before they sign in)', async () => {
    const community = await get('/community', 'anonymous');
    const fieldNotes = /<li class="space-card">[\s\S]*?\/community\/field-notes[\s\S]*?<\/li>/.exec(community.body)?.[0] ?? '';
    expect(fieldNotes).toContain('1 thread');
    expect(fieldNotes).not.toContain('No threads yet');

    const space = await get('/community/field-notes', 'anonymous');
    expect(space.body).toContain('Welcome — start here');
    expect(authorsOn(space.body)).toEqual(['The Hedgerow [Owner]']);
    expect(space.body).not.toContain('Former member');
  });
});

describe('names', () => {
  beforeAll(async () => {
    cookies.owner = await signInOverHttp(site, 'wren@hedgerow.example');
    cookies.free = await signInOverHttp(site, `fern-${run}@example.com`);
    cookies.nameless = await signInOverHttp(site, `nameless-${run}@example.com`);
    await submit('/account', { intent: 'profile', name: 'Wren', handle: 'wren' }, 'owner');
    welcomeThreadId = /href="\/t\/([^"/]+)"/.exec((await get('/community/field-notes', 'anonymous')).body)?.[1] ?? '';
    expect(welcomeThreadId).not.toBe('');
  });

  it.each([
    ['the handle', { name: '', handle: 'wren' }, 'value="wren"'],
    ['a look-alike handle', { name: '', handle: 'wr3n_official' }, 'value="wr3n_official"'],
    ['the name in Cyrillic letters', { name: 'Wrеn', handle: '' }, 'value="Wrеn"'],
    ["the community's name", { name: 'The  Hedgerow', handle: '' }, 'value="The  Hedgerow"'],
  ])("refuses a member the owner's %s, keeping what they typed", async (_, fields, kept) => {
    const response = await postForm(site, '/account', { intent: 'profile', ...fields }, cookies.free);
    const page = await response.text();
    expect(response.status).toBe(400);
    expect(page).toContain('looks too much like the community');
    expect(page).toContain(kept);
  });

  it('lets a member take an ordinary name', async () => {
    expect(await submit('/account', { intent: 'profile', name: 'Fern', handle: `fern${run}`.slice(0, 30) }, 'free')).toBe('/account?done=profile');
  });

  it('marks the owner beside their name and names a nameless member with a nickname', async () => {
    await submit(`/t/${welcomeThreadId}`, { intent: 'reply', body: `Saw a heron today ${run}.`, guidelines: 'on' }, 'nameless');
    await submit(`/t/${welcomeThreadId}`, { intent: 'reply', body: `Lovely ${run}, where?`, guidelines: 'on' }, 'owner');
    const thread = await get(`/t/${welcomeThreadId}`, 'anonymous');
    const [starter, first, second] = authorsOn(thread.body);
    expect(starter).toBe('Wren [Owner]');
    expect(first).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(first).not.toMatch(/^Member /);
    expect(second).toBe('Wren [Owner]');
  });
});

describe('the header of on-demand pages', () => {
  it('links a member to their notifications with the unread count, and nothing of the admin pages', async () => {
    const header = headerOf((await get('/account', 'nameless')).body);
    expect(header).toMatch(/href="\/notifications"[^>]*>\s*Notifications\s*<span class="unread-count">1<span class="visually-hidden"> unread<\/span><\/span>/);
    expect(header).not.toContain('/admin/');
  });

  it('links the owner to moderation and the newsletter', async () => {
    const header = headerOf((await get('/community', 'owner')).body);
    expect(header).toContain('href="/admin/moderation"');
    expect(header).toContain('href="/admin/newsletter"');
    expect(header).toContain('href="/notifications"');
  });

  it('stays the same for everyone on static pages', async () => {
    const header = headerOf((await get('/', 'owner')).body);
    expect(header).toContain('href="/signin"');
    expect(header).not.toContain('/notifications');
  });
});

describe('the notifications page', () => {
  it('marks staff beside their names', async () => {
    expect((await get('/notifications', 'nameless')).body).toMatch(/Wren<\/strong>\s*<span class="staff-mark[^"]*">Owner<\/span>/);
  });

  it('counts what is unread, and says nothing is new only when the list shows nothing unread', async () => {
    const unread = await get('/notifications', 'nameless');
    expect(unread.body).toContain('1 unread notification.');
    expect(unread.body).not.toContain('Nothing new');

    // Opening the thread reads its notification, and that page's own header already says so.
    const opened = await get(`/t/${welcomeThreadId}`, 'nameless');
    expect(headerOf(opened.body)).toContain('href="/notifications"');
    expect(headerOf(opened.body)).not.toContain('unread-count');
    const read = await get('/notifications', 'nameless');
    expect(read.body).toContain('notification-link');
    expect(read.body).not.toContain('Nothing new');
    expect(read.body).toContain('You have read them all.');
    expect(headerOf(read.body)).not.toContain('unread-count');
  });
});

describe('a listed paid space (recording-projects)', () => {
  it('shows a free member its name, description and what unlocks it, and none of its threads', async () => {
    const community = await get('/community', 'free');
    const card = /<li class="space-card space-card-locked">[\s\S]*?<\/li>/.exec(community.body)?.[0] ?? '';
    expect(card).toContain('Recording projects');
    expect(card).toContain('Planning the season');
    expect(card).toContain('Unlocked by any paid membership.');
    expect(card).toContain('href="/join"');
    expect(community.body).not.toContain('/community/recording-projects');
    expect(community.body).not.toContain("This season's surveys");
    expect(community.body).not.toContain('This season&#39;s surveys');
    // Not listed: still invisible.
    expect(community.body).not.toContain('The planning table');
  });

  it('is shown to visitors too, while its page still answers 404', async () => {
    expect((await get('/community', 'anonymous')).body).toContain('Recording projects');
    const page = await get('/community/recording-projects', 'free');
    expect(page.status).toBe(404);
    expect(page.body).not.toContain("This season");
  });

  it('lists its threads for the owner, who may read it (the control)', async () => {
    const space = await get('/community/recording-projects', 'owner');
    expect(space.status).toBe(200);
    expect(space.body).toMatch(/This season(&#39;|')s surveys/);
  });
});
