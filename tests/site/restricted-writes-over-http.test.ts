/**
 * What a mute or ban stops, and the posting limits, through the real server with plain
 * HTTP: a banned and a muted member try every write by the forms the pages send (edit,
 * delete-then-repost, react, report, follow, profile), each refused with a reason beside
 * the member's typed text and nothing stored; the owner carries on; a new member's
 * threads count against the posting limits; deep markdown is refused, not lost.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
const run = Date.now().toString(36);
const cookies = { owner: '', banned: '', muted: '', newcomer: '', writer: '' };
type Who = keyof typeof cookies | 'anonymous';
const email = (who: Exclude<Who, 'anonymous' | 'owner'>) => `${who}-${run}@example.com`;

let threadId = '';
const replies = { banned: '', muted: '', owner: '' };
const oldWords = { banned: `BANNEDOLD${run}`, muted: `MUTEDOLD${run}` };

async function get(path: string, who: Who): Promise<{ status: number; body: string }> {
  const cookie = who === 'anonymous' ? '' : cookies[who];
  const response = await fetch(new URL(path, site.url), { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  return { status: response.status, body: await response.text() };
}

async function send(path: string, fields: Record<string, string>, who: Exclude<Who, 'anonymous'>): Promise<{ status: number; body: string; location: string }> {
  const response = await postForm(site, path, fields, cookies[who]);
  return { status: response.status, body: await response.text(), location: response.headers.get('location') ?? '' };
}

/** Posts a form that must succeed, and returns where it redirected to. */
async function submit(path: string, fields: Record<string, string>, who: Exclude<Who, 'anonymous'>): Promise<string> {
  const { status, body, location } = await send(path, fields, who);
  if (status !== 303) {
    const notice = /class="form-notice[^"]*"[^>]*>([\s\S]*?)<\//.exec(body)?.[1]?.trim();
    throw new Error(`POST ${path} answered ${status}: ${notice ?? body.slice(0, 300)}`);
  }
  return location;
}

const replyIdIn = (location: string) => /#r-([^&?]+)$/.exec(location)?.[1] ?? '';

beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
  cookies.owner = await signInOverHttp(site, 'wren@hedgerow.example');
  for (const who of ['banned', 'muted', 'newcomer', 'writer'] as const) cookies[who] = await signInOverHttp(site, email(who));

  const created = await submit('/community/field-notes/new', { title: `Restrictions ${run}`, body: `Opening ${run}.`, guidelines: 'on' }, 'owner');
  threadId = /^\/t\/([^/?#]+)$/.exec(created)?.[1] ?? '';
  expect(threadId, `redirect after starting a thread: ${created}`).not.toBe('');
  replies.owner = replyIdIn(await submit(`/t/${threadId}`, { intent: 'reply', body: `The owner speaks ${run}.` }, 'owner'));
  replies.banned = replyIdIn(await submit(`/t/${threadId}`, { intent: 'reply', body: `${oldWords.banned} first words.`, guidelines: 'on' }, 'banned'));
  replies.muted = replyIdIn(await submit(`/t/${threadId}`, { intent: 'reply', body: `${oldWords.muted} first words.`, guidelines: 'on' }, 'muted'));

  await submit('/admin/moderation', { intent: 'restrict', who: email('banned'), kind: 'ban', period: 'forever', reason: `test ${run}` }, 'owner');
  await submit('/admin/moderation', { intent: 'restrict', who: email('muted'), kind: 'mute', period: '7d', reason: `test ${run}` }, 'owner');
});
afterAll(() => site?.stop());

describe.each([
  { who: 'banned', state: 'You are banned' },
  { who: 'muted', state: 'You are muted' },
] as const)('a $who member', ({ who, state }) => {
  const thread = () => `/t/${threadId}`;

  it('cannot edit an old reply: 403, the reason beside the typed text, and readers still see the old text', async () => {
    const newWords = `${who.toUpperCase()}NEW${run} edited words`;
    const refused = await send(thread(), { intent: 'edit', reply: replies[who], body: newWords }, who);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(`${state}, so you cannot edit your messages here`);
    expect(refused.body).toContain(`>${newWords}</textarea>`);
    const page = await get(thread(), 'anonymous');
    expect(page.body).toContain(oldWords[who]);
    expect(page.body).not.toContain(newWords);
  });

  it('cannot react, report or follow, and none of it is stored', async () => {
    const reaction = await send(thread(), { intent: 'react', reply: replies.owner, kind: 'thanks' }, who);
    expect(reaction.status).toBe(403);
    expect(reaction.body).toContain(`${state}, so you cannot react to messages here`);
    const reason = `Report by ${who} ${run}`;
    const report = await send(thread(), { intent: 'report', reply: replies.owner, reason }, who);
    expect(report.status).toBe(403);
    expect(report.body).toContain(`${state}, so you cannot report messages here`);
    expect(report.body).toContain(`value="${reason}"`);
    // Replying made them a follower: leaving works, following again does not.
    await submit(thread(), { intent: 'unfollow' }, who);
    const follow = await send(thread(), { intent: 'follow' }, who);
    expect(follow.status).toBe(403);
    expect(follow.body).toContain(`${state}, so you cannot follow threads here`);

    expect((await get(thread(), 'anonymous')).body).not.toContain('class="reaction-count"');
    expect((await get('/admin/moderation', 'owner')).body).not.toContain(reason);
    expect((await get(thread(), who)).body).toContain('aria-pressed="false">Follow</button>');
  });

  it('cannot change their name or handle, and the form keeps what they typed', async () => {
    const name = `Fern Gully ${who}`;
    const refused = await send('/account', { intent: 'profile', name, handle: `fern_${who}_${run}`.slice(0, 30) }, who);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(`${state}, so you cannot change your name or handle here`);
    expect(refused.body).toContain(`value="${name}"`);
    expect((await get('/account', who)).body).not.toContain(name);
  });

  it('may delete their reply, but not post it again', async () => {
    await submit(thread(), { intent: 'delete', reply: replies[who] }, who);
    const again = await send(thread(), { intent: 'reply', body: `${oldWords[who]} first words.` }, who);
    expect(again.status).toBe(403);
    const page = await get(thread(), 'anonymous');
    expect(page.body).not.toContain(oldWords[who]);
  });
});

describe('the owner', () => {
  it('may reply a fourth time and more within 10 minutes, on a community just opened', async () => {
    // The owner opened the thread and replied once in setup: four more replies now.
    for (let i = 1; i <= 4; i++) {
      const location = await submit(`/t/${threadId}`, { intent: 'reply', body: `Owner answer ${i} ${run}.` }, 'owner');
      expect(replyIdIn(location), `reply ${i}`).not.toBe('');
    }
    const page = await get(`/t/${threadId}`, 'anonymous');
    for (let i = 1; i <= 4; i++) expect(page.body).toContain(`Owner answer ${i} ${run}.`);
  });

  it("may still edit and react while others are restricted, and hide a restricted member's reply", async () => {
    await submit(`/t/${threadId}`, { intent: 'edit', reply: replies.owner, body: `The owner speaks, edited ${run}.` }, 'owner');
    expect((await get(`/t/${threadId}`, 'anonymous')).body).toContain(`The owner speaks, edited ${run}.`);
    await submit(`/t/${threadId}`, { intent: 'react', reply: replies.owner, kind: 'agree' }, 'owner');
    expect((await get(`/t/${threadId}`, 'anonymous')).body).toContain('<span class="reaction-count">1</span>');
  });
});

describe('a new member starting threads', () => {
  const space = '/community/id-help/new';

  it('is refused the same thread twice, with the typed title and text kept', async () => {
    await submit(space, { title: `What is this moth? ${run}`, body: `Brown, small, by the lamp ${run}.`, guidelines: 'on' }, 'newcomer');
    const title = `What is this moth?! ${run}`;
    const again = await send(space, { title, body: `Brown, small, by the lamp ${run}.` }, 'newcomer');
    expect(again.status).toBe(400);
    expect(again.body).toContain('You already posted this same text a moment ago');
    expect(again.body).toContain(`value="${title}"`);
  });

  it('is refused a fourth thread within 10 minutes (new members may post 3), with the typed text kept', async () => {
    await submit(space, { title: `Second ${run}`, body: `Second question ${run}.` }, 'newcomer');
    await submit(space, { title: `Third ${run}`, body: `Third question ${run}.` }, 'newcomer');
    for (const n of ['Fourth', 'Fifth', 'Sixth', 'Seventh']) {
      const body = `${n} question ${run}.`;
      const refused = await send(space, { title: `${n} ${run}`, body }, 'newcomer');
      expect(refused.status, n).toBe(429);
      expect(refused.body).toContain('You are posting faster than new members can (3 posts per 10 minutes)');
      expect(refused.body).toContain(`>${body}</textarea>`);
    }
    const listing = await get('/community/id-help', 'newcomer');
    expect(listing.body).toContain(`Third ${run}`);
    expect(listing.body).not.toContain(`Fourth ${run}`);
  });
});

describe('markdown nested too deep', () => {
  it('is refused with the line named, and the typed text kept, rather than stored without its words', async () => {
    const words = `LOSTWORDS${run}`;
    const body = `Intro ${run}.\n\n${'>'.repeat(25)} ${words}`;
    const refused = await send(`/t/${threadId}`, { intent: 'reply', body, guidelines: 'on' }, 'writer');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Line 3 is inside too many quotes or lists nested in each other');
    expect(refused.body).toContain(`${'&gt;'.repeat(25)} ${words}</textarea>`);
    expect((await get(`/t/${threadId}`, 'anonymous')).body).not.toContain(`Intro ${run}.`);
  });
});

describe('Download my data', () => {
  it("holds the member's threads and replies", async () => {
    const response = await get('/account/data.json', 'newcomer');
    expect(response.status).toBe(200);
    const data = JSON.parse(response.body) as { threads: { title: string }[]; replies: unknown[]; reactions: unknown[]; reports: unknown[] };
    expect(data.threads.map((thread) => thread.title).sort()).toEqual([`Second ${run}`, `Third ${run}`, `What is this moth? ${run}`].sort());
    expect(data.replies).toEqual([]);
    expect(data.reactions).toEqual([]);
    expect(data.reports).toEqual([]);
  });
});
