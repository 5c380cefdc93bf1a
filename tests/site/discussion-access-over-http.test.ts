/**
 * Who may see and touch a discussion, through the real server with plain HTTP: a
 * patron-only space, a members-only space and a paid post's discussion, each asked by
 * a member entitled to it (the control: what must stay hidden is really there), by a
 * free member and by a stranger. Nothing of a place one may not read may leak: not its
 * name in the listing, not a 404 that differs from a missing page, not a notification,
 * and no write through a form sent by hand.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { coterie } from './coterie-cli.ts';
import { demoPosts } from './demo-posts.ts';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
const run = Date.now().toString(36);
// Unique strings written by the entitled members, looked for in what everyone else gets.
const titleMark = `PLANTITLE${run}`;
const openingMark = `PLANOPENING${run}`;
const replyMark = `PLANREPLY${run}`;
const controlMark = `FIELDMENTION${run}`;
const paidMark = `PAIDREPLY${run}`;
const freeHandle = `fern${run}`.slice(0, 30);
const patronSpaceName = 'The planning table';
const paidPost = demoPosts().find((post) => post.access === 'paid');

const cookies = { patron: '', paid: '', free: '', owner: '' };
let threadId = '';
let replyId = '';
let fieldThreadId = '';

type Reader = keyof typeof cookies | 'anonymous';
const cookieOf = (reader: Reader) => (reader === 'anonymous' ? '' : cookies[reader]);

async function get(path: string, reader: Reader): Promise<{ status: number; body: string }> {
  const cookie = cookieOf(reader);
  const response = await fetch(new URL(path, site.url), { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  return { status: response.status, body: await response.text() };
}

/** Posts a form and returns where it redirected to, failing with the page's error otherwise. */
async function submit(path: string, fields: Record<string, string>, reader: Reader): Promise<string> {
  const response = await postForm(site, path, fields, cookieOf(reader));
  const body = await response.text();
  if (response.status !== 303) {
    const notice = /class="form-notice[^"]*"[^>]*>([\s\S]*?)<\//.exec(body)?.[1]?.trim();
    throw new Error(`POST ${path} answered ${response.status}: ${notice ?? body.slice(0, 300)}`);
  }
  return response.headers.get('location') ?? '';
}

/** A 404 page with its own address (in the canonical and og:url links) taken out, to compare with another. */
function withoutAddress(page: { body: string }, path: string): string {
  return page.body.replaceAll(path, '<path>');
}

/** The count in the thread's "N replies" heading, as the page shows it. */
function repliesHeading(html: string): string | undefined {
  return /<h2 id="replies-heading">([^<]*)<\/h2>/.exec(html)?.[1];
}

beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
  cookies.patron = await signInOverHttp(site, `patron-${run}@example.com`);
  cookies.paid = await signInOverHttp(site, `naturalist-${run}@example.com`);
  cookies.free = await signInOverHttp(site, `free-${run}@example.com`);
  cookies.owner = await signInOverHttp(site, 'wren@hedgerow.example');
  await coterie(site, ['members', 'grant', `patron-${run}@example.com`, 'patron']);
  await coterie(site, ['members', 'grant', `naturalist-${run}@example.com`, 'naturalist']);
  // A handle, so that P can @mention the free member.
  await submit('/account', { intent: 'profile', name: 'Fern Free', handle: freeHandle }, 'free');

  const created = await submit('/community/planning-table/new', { title: `Next season ${titleMark}`, body: `Let us plan. ${openingMark}`, guidelines: 'on' }, 'patron');
  threadId = /^\/t\/([^/?#]+)$/.exec(created)?.[1] ?? '';
  expect(threadId, `redirect after starting a thread: ${created}`).not.toBe('');
  const replied = await submit(`/t/${threadId}`, { intent: 'reply', body: `Counting moths? ${replyMark} cc @${freeHandle}` }, 'patron');
  replyId = /#r-([^&?]+)$/.exec(replied)?.[1] ?? '';
  expect(replyId, `redirect after replying: ${replied}`).not.toBe('');

  // The control for mentions: the same member mentioned where they may read. The owner
  // opens that thread, so the new patron stays within a new member's 3 posts in 10 minutes.
  const fieldThread = await submit('/community/field-notes/new', { title: `Heron seen ${run}`, body: 'By the weir, Tuesday.', guidelines: 'on' }, 'owner');
  fieldThreadId = /^\/t\/([^/?#]+)$/.exec(fieldThread)?.[1] ?? '';
  await submit(`/t/${fieldThreadId}`, { intent: 'reply', body: `Was it you, @${freeHandle}? ${controlMark}` }, 'patron');

  await submit(`/posts/${paidPost?.slug}/discussion`, { intent: 'reply', body: `The darters were late this year. ${paidMark}`, guidelines: 'on' }, 'paid');
});
afterAll(() => site?.stop());

describe('a patron-only space (planning-table)', () => {
  it('is all there for the patron who wrote in it (the control)', async () => {
    const community = await get('/community', 'patron');
    expect(community.body).toContain(patronSpaceName);
    expect(community.body).toContain('/community/planning-table');
    const space = await get('/community/planning-table', 'patron');
    expect(space.status).toBe(200);
    expect(space.body).toContain(titleMark);
    const thread = await get(`/t/${threadId}`, 'patron');
    expect(thread.status).toBe(200);
    expect(thread.body).toContain(titleMark);
    expect(thread.body).toContain(openingMark);
    expect(thread.body).toContain(replyMark);
    expect(repliesHeading(thread.body)).toBe('1 reply');
    const permalink = await get(`/t/${threadId}/r/${replyId}`, 'patron');
    expect(permalink.status).toBe(200);
    expect(permalink.body).toContain(replyMark);
  });

  describe.each(['free', 'anonymous'] as const)('to a reader who is %s', (reader) => {
    const marks = () => [titleMark, openingMark, replyMark];

    it('is not named in /community', async () => {
      const community = await get('/community', reader);
      expect(community.status).toBe(200);
      expect(community.body).toContain('Field notes');
      expect(community.body).not.toContain(patronSpaceName);
      expect(community.body).not.toContain('planning-table');
      for (const mark of marks()) expect(community.body).not.toContain(mark);
    });

    it('answers /community/planning-table exactly like a space that does not exist', async () => {
      const missingPath = `/community/no-such-space-${run}`;
      const [space, missing] = await Promise.all([get('/community/planning-table', reader), get(missingPath, reader)]);
      expect(space.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(withoutAddress(space, '/community/planning-table')).toBe(withoutAddress(missing, missingPath));
      const newThread = await get('/community/planning-table/new', reader);
      expect(newThread.status).toBe(404);
      expect(newThread.body).not.toContain(patronSpaceName);
    });

    it('answers the thread and the reply permalink with a 404 that shows none of it', async () => {
      for (const path of [`/t/${threadId}`, `/t/${threadId}/r/${replyId}`]) {
        const page = await get(path, reader);
        expect(page.status, path).toBe(404);
        for (const mark of [...marks(), patronSpaceName]) expect(page.body, path).not.toContain(mark);
      }
      const missingPath = `/t/no-such-thread-${run}`;
      const [thread, missing] = await Promise.all([get(`/t/${threadId}`, reader), get(missingPath, reader)]);
      expect(withoutAddress(thread, `/t/${threadId}`)).toBe(withoutAddress(missing, missingPath));
    });

    it('refuses a reply, a reaction, a report and a follow sent by hand, and stores nothing', async () => {
      const forms: Record<string, string>[] = [
        { intent: 'reply', body: `Let me in ${run}` },
        { intent: 'reply', parent: replyId, body: `Nested, let me in ${run}`, guidelines: 'on' },
        { intent: 'react', reply: replyId, kind: 'thanks' },
        { intent: 'report', reply: replyId, reason: `Spam ${run}` },
        { intent: 'follow' },
      ];
      for (const path of [`/t/${threadId}`, `/t/${threadId}/r/${replyId}`]) {
        for (const fields of forms) {
          const response = await postForm(site, path, fields, cookieOf(reader));
          const body = await response.text();
          expect([403, 404], `${fields.intent} to ${path}`).toContain(response.status);
          for (const mark of marks()) expect(body).not.toContain(mark);
        }
      }
      const thread = await get(`/t/${threadId}`, 'patron');
      expect(repliesHeading(thread.body)).toBe('1 reply');
      expect(thread.body).not.toContain(`let me in ${run}`);
      expect(thread.body).not.toContain('class="reaction-count"');
      const moderation = await get('/admin/moderation', 'owner');
      expect(moderation.status).toBe(200);
      expect(moderation.body).toContain('No open reports.');
    });
  });

  it("keeps the patron thread out of a mentioned free member's notifications", async () => {
    const page = await get('/notifications', 'free');
    expect(page.status).toBe(200);
    // The control: the same member, mentioned by the same patron where they may read.
    expect(page.body).toContain(controlMark);
    for (const mark of [titleMark, openingMark, replyMark, patronSpaceName]) expect(page.body).not.toContain(mark);
    expect(page.body).not.toContain(`/t/${threadId}`);
  });

  it("stored no follow for the free member: once a patron, they are offered Follow, and it works", async () => {
    await coterie(site, ['members', 'grant', `free-${run}@example.com`, 'patron']);
    const before = await get(`/t/${threadId}`, 'free');
    expect(before.status).toBe(200);
    expect(before.body).toContain(replyMark);
    expect(before.body).toContain('aria-pressed="false">Follow</button>');
    expect(before.body).not.toContain('class="reaction-count"');

    // The controls: the same forms do store, for a member who may.
    await submit(`/t/${threadId}`, { intent: 'follow' }, 'free');
    await submit(`/t/${threadId}`, { intent: 'react', reply: replyId, kind: 'thanks' }, 'free');
    await submit(`/t/${threadId}`, { intent: 'report', reply: replyId, reason: `Control report ${run}` }, 'free');
    const after = await get(`/t/${threadId}`, 'patron');
    expect(after.body).toContain('<span class="reaction-count">1</span>');
    expect((await get(`/t/${threadId}`, 'free')).body).toContain('aria-pressed="true">Following ✓</button>');
    const moderation = await get('/admin/moderation', 'owner');
    expect(moderation.body).toContain(`Control report ${run}`);
    expect(moderation.body).not.toContain(`Spam ${run}`);
    await coterie(site, ['members', 'revoke', `free-${run}@example.com`, 'patron']);
    expect((await get(`/t/${threadId}`, 'free')).status).toBe(404);
  });
});

describe("a paid post's discussion", () => {
  const path = () => `/posts/${paidPost?.slug}/discussion`;

  it('shows the reply to a paying member (the control)', async () => {
    expect(paidPost, 'a demo post with access: paid').toBeDefined();
    const page = await get(path(), 'paid');
    expect(page.status).toBe(200);
    expect(page.body).toContain(paidMark);
  });

  it('gives a free member the call to action and not a word of the replies', async () => {
    const page = await get(path(), 'free');
    expect(page.body).toContain('The discussion of this post is for readers of the post');
    expect(page.body).toContain('Join as <strong>Naturalist</strong>');
    expect(page.body).toContain('payments are not set up on this site yet');
    expect(page.body).not.toContain(paidMark);
    expect(page.body).not.toContain('reply-body');
  });

  it('gives a stranger the call to action and not a word of the replies', async () => {
    const page = await get(path(), 'anonymous');
    expect(page.body).toContain('The discussion of this post is for readers of the post');
    expect(page.body).not.toContain(paidMark);
  });

  it('refuses a free member who replies by hand, and stores nothing', async () => {
    const response = await postForm(site, path(), { intent: 'reply', body: `Free rider ${run}`, guidelines: 'on' }, cookies.free);
    // Refused as such, with the same call to action.
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Join as <strong>Naturalist</strong>');
    const page = await get(path(), 'paid');
    expect(page.body).toContain(paidMark);
    expect(page.body).not.toContain(`Free rider ${run}`);
    expect(repliesHeading(page.body)).toBe('1 reply');
  });
});

describe('a members-only space (id-help)', () => {
  it('is listed and open to a free member (the control)', async () => {
    expect((await get('/community', 'free')).body).toContain('Identification help');
    expect((await get('/community/id-help', 'free')).status).toBe(200);
  });

  it('is a 404 and unlisted for a stranger', async () => {
    const missingPath = `/community/no-such-space-${run}`;
    const [space, missing] = await Promise.all([get('/community/id-help', 'anonymous'), get(missingPath, 'anonymous')]);
    expect(space.status).toBe(404);
    expect(withoutAddress(space, '/community/id-help')).toBe(withoutAddress(missing, missingPath));
    expect((await get('/community', 'anonymous')).body).not.toContain('Identification help');
  });
});
