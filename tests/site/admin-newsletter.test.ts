/**
 * /admin/newsletter and `coterie digest` through the real server, over plain HTTP: only
 * the owner sees the page or its preview frame; the preview shows each segment what it
 * may read and no more; and the page's forms send a test, refuse a stale or mistimed
 * send, schedule, cancel and send, with the outbox as the witness.
 *
 * The server's database is seeded with an earlier digest that ended on 1 October, so the
 * next digest covers the demo's November posts, gated ones included, whatever today is.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { openDatabase } from '../../db/client.ts';
import { campaigns } from '../../db/schema.ts';
import { hedgerowDir } from '../support/communities.ts';
import { digestPlanFixture } from '../support/digest-plan-fixture.ts';
import { seedSubscribers, subscriberAddress } from '../support/subscribers.ts';
import { testEngines } from '../support/test-database.ts';
import { CANARY } from './canary.ts';
import { coterie as runCoterie } from './coterie-cli.ts';
import { demoPosts } from './demo-posts.ts';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { waitForEmail } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const ownerEmail: string = parse(readFileSync(resolve(hedgerowDir, 'site.yaml'), 'utf8')).ownerEmail;
const earlierDigestEnded = new Date('2026-10-01T00:00:00Z');
// A gated post the next digest carries whole to those entitled (its canary is the witness).
const gatedInPeriod = demoPosts().find((post) => post.access !== 'public' && post.access !== 'members' && /^newsletter: full$/m.test(post.frontmatter) && new Date(String(parse(post.frontmatter).date)) > earlierDigestEnded);
const previewPolicy = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

let site: RunningSite;
let dataDir: string;
const cookies = { owner: '', free: '' };

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'coterie-admin-newsletter-')), 'pglite');
  const handle = await openDatabase({ dataDir });
  try {
    await handle.db.insert(campaigns).values({
      kind: 'digest',
      status: 'sent',
      subject: 'An earlier digest',
      plan: digestPlanFixture({ since: '2026-09-01T00:00:00.000Z', until: earlierDigestEnded.toISOString() }),
      createdBy: 'test',
      createdAt: earlierDigestEnded,
      startedAt: earlierDigestEnded,
      sentAt: earlierDigestEnded,
    });
    await seedSubscribers(handle.db, { count: 3 });
  } finally {
    await handle.close();
  }
  site = await serveSite(inject('siteDir'), { COTERIE_DATA_DIR: dataDir });
  cookies.owner = await signInOverHttp(site, ownerEmail);
  cookies.free = await signInOverHttp(site, `free-${Date.now()}@example.com`);
});
afterAll(async () => {
  await site?.stop();
  if (dataDir) rmSync(resolve(dataDir, '..'), { recursive: true, force: true });
});

type Who = keyof typeof cookies | 'stranger';

async function get(path: string, who: Who): Promise<Response> {
  const cookie = who === 'stranger' ? '' : cookies[who];
  return fetch(new URL(path, site.url), { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
}

/** The admin page's text as the owner gets it. */
async function adminPage(query = ''): Promise<string> {
  const response = await get(`/admin/newsletter${query}`, 'owner');
  expect(response.status).toBe(200);
  return response.text();
}

/** The fingerprint of the digest the page shows, as its forms carry it. */
function fingerprintIn(html: string): string {
  const found = /name="digest" value="([^"]+)"/.exec(html)?.[1];
  if (!found) throw new Error('The page has no digest form.');
  return found;
}

/** The text version shown under the preview frame. */
function previewText(html: string): string {
  return /<pre[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? '';
}

it('has a gated post with newsletter: full in the period the next digest covers', () => {
  expect(gatedInPeriod, 'a paid or tier post after 1 October delivered in full').toBeDefined();
});

describe('who may see the newsletter admin', () => {
  it.each(['stranger', 'free'] as const)('is the plain 404 for a %s, page and preview alike', async (who) => {
    // What the moderation page, another admin page this reader may not see, answers them.
    const moderation = (await (await get('/admin/moderation', who)).text()).replaceAll('/admin/moderation', '');
    for (const path of ['/admin/newsletter', '/admin/newsletter?segment=staff', '/admin/newsletter/preview?segment=staff']) {
      const response = await get(path, who);
      const body = await response.text();
      expect(response.status, path).toBe(404);
      expect(body).toContain('This path leads nowhere');
      expect(body).not.toContain(CANARY);
      // Nothing tells it apart but the path itself.
      expect(body.replaceAll(path.split('?')[0] ?? '', ''), path).toBe(moderation);
    }
  });

  it('refuses the forms of anyone but the owner, starting nothing', async () => {
    const fingerprint = fingerprintIn(await adminPage());
    for (const cookie of ['', cookies.free]) {
      const response = await postForm(site, '/admin/newsletter', { intent: 'test', digest: fingerprint }, cookie);
      expect(response.status).toBe(404);
    }
    // The earlier digest is still the only campaign.
    expect((await adminPage()).match(/class="newsletter-admin-campaign-subject"/g)).toHaveLength(1);
  });

  it('shows the owner the schedule, the next digest, its preview frame and the campaigns', async () => {
    const html = await adminPage();
    expect(html).toContain('<h1>Newsletter</h1>');
    expect(html).toMatch(/The next scheduled digest goes <strong><time datetime="[^"]+">[^<]+<\/time><\/strong> \(Europe\/London\)/);
    expect(html).toContain('<iframe class="newsletter-admin-frame" src="/admin/newsletter/preview?segment=free"');
    expect(html).toContain(`Send a test to ${ownerEmail}`);
    expect(html).toContain('Send to 3 subscribers now…');
    expect(html).toContain('An earlier digest');
    expect(html).toContain(gatedInPeriod?.title ?? '(no post)');
  });
});

describe('the preview', () => {
  it('answers the owner with the email and a policy of its own', async () => {
    const response = await get('/admin/newsletter/preview?segment=free', 'owner');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(previewPolicy);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(await response.text()).toMatch(/^<!doctype html>/i);
  });

  it('never shows a free subscriber the gated part, which a member of its tier and the owner do see', async () => {
    const free = await (await get('/admin/newsletter/preview?segment=free', 'owner')).text();
    expect(free).toContain(gatedInPeriod?.title ?? '(no post)');
    expect(free).not.toContain(CANARY);
    expect(free).toMatch(/\/join\?tier=naturalist&amp;from=%2Fposts%2F/);
    for (const segment of ['tier:naturalist', 'staff']) {
      expect(await (await get(`/admin/newsletter/preview?segment=${segment}`, 'owner')).text(), segment).toContain(CANARY);
    }
    // The text version on the page follows the same rule.
    expect(previewText(await adminPage())).not.toContain(CANARY);
    expect(previewText(await adminPage('?segment=free'))).not.toContain(CANARY);
    expect(previewText(await adminPage('?segment=staff'))).toContain(CANARY);
  });

  it('says so for a segment that does not exist', async () => {
    expect((await get('/admin/newsletter/preview?segment=gold', 'owner')).status).toBe(404);
  });
});

describe('coterie digest through the running server', () => {
  // The CLI finds the server by the database folder it holds: the seeded one.
  const coterie = (args: string[]) => runCoterie({ ...site, dataDir }, args);

  it('previews the next digest as each segment receives it', async () => {
    const free = await coterie(['digest', 'preview']);
    expect(free).toMatch(/^Subject: .+\nAs: Free subscriber\n\n/);
    expect(free).toContain(gatedInPeriod?.title ?? '(no post)');
    expect(free).not.toContain(CANARY);
    expect(await coterie(['digest', 'preview', '--segment', 'naturalist'])).toContain(CANARY);
    const html = await coterie(['digest', 'preview', '--segment', 'staff', '--html']);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(CANARY);
  });

  it('sends a test to the owner', async () => {
    const sent = new Date();
    const output = await coterie(['digest', 'send', '--test']);
    expect(output).toMatch(new RegExp(`^Sending a test of ".+" to ${ownerEmail.replace(/[.]/g, '\\.')}: campaign [a-z2-7]{20}, 1 recipient\\.\n$`));
    const email = await waitForEmail(site.outboxDir, ownerEmail, { after: sent });
    expect(email.subject).toMatch(/^\[Test\] /);
  });
});

describe('the owner\'s forms', () => {
  it('send a test to the owner alone, who gets every post in full', async () => {
    const sent = new Date();
    const response = await postForm(site, '/admin/newsletter', { intent: 'test', digest: fingerprintIn(await adminPage()) }, cookies.owner);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/newsletter?done=test#campaigns-heading');
    const email = await waitForEmail(site.outboxDir, ownerEmail, { after: sent });
    expect(email.subject).toMatch(/^\[Test\] /);
    expect(email.text).toContain(CANARY);
    const html = await adminPage('?done=test');
    expect(html).toContain(`A test is on its way to ${ownerEmail}`);
    expect(html).toMatch(/<span class="newsletter-admin-status">Test<\/span>/);
  });

  it('refuse a digest that changed since the page was loaded, and a time that has passed, keeping what was typed', async () => {
    const stale = await postForm(site, '/admin/newsletter', { intent: 'send', digest: 'stale-fingerprint' }, cookies.owner);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('The digest changed after this page was loaded');

    const past = await postForm(site, '/admin/newsletter', { intent: 'schedule', digest: fingerprintIn(await adminPage()), when: '2020-01-06T09:00' }, cookies.owner);
    expect(past.status).toBe(400);
    const html = await past.text();
    expect(html).toContain('2020-01-06 09:00 Europe/London has already passed');
    expect(html).toMatch(/<input id="schedule-when"[^>]*value="2020-01-06T09:00"[^>]*aria-invalid="true"/);
  });

  it('schedule a digest, then cancel it', async () => {
    const when = `${new Date().getUTCFullYear() + 1}-01-04T09:00`;
    const scheduled = await postForm(site, '/admin/newsletter', { intent: 'schedule', digest: fingerprintIn(await adminPage()), when }, cookies.owner);
    expect(scheduled.status).toBe(303);
    const html = await adminPage('?done=scheduled');
    expect(html).toContain('The digest is scheduled.');
    const id = /name="intent" value="cancel"\s*\/?>\s*<input type="hidden" name="campaign" value="([a-z2-7]{20})"/.exec(html)?.[1];
    expect(id).toBeDefined();
    // While it waits, it holds this period: the next digest has nothing new.
    expect(html).toContain('Nothing is new since the last digest');

    const canceled = await postForm(site, '/admin/newsletter', { intent: 'cancel', campaign: id ?? '' }, cookies.owner);
    expect(canceled.status).toBe(303);
    const after = await adminPage('?done=canceled');
    expect(after).toContain('The scheduled digest is canceled');
    expect(after).toContain('newsletter-admin-status-canceled');
    expect(after).not.toContain('Nothing is new since the last digest');
    const again = await postForm(site, '/admin/newsletter', { intent: 'cancel', campaign: id ?? '' }, cookies.owner);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('nothing to cancel');
  });

  it('send to every subscriber after a confirmation, each getting what they may read', async () => {
    const confirm = await adminPage('?confirm=send');
    expect(confirm).toMatch(/Send “[^”]+” to 3 subscribers now\?/);
    expect(confirm).toContain('Yes, send to 3 subscribers');
    const sent = new Date();
    const response = await postForm(site, '/admin/newsletter', { intent: 'send', digest: fingerprintIn(confirm) }, cookies.owner);
    expect(response.status).toBe(303);
    const emails = await Promise.all([0, 1, 2].map((index) => waitForEmail(site.outboxDir, subscriberAddress(index), { after: sent })));
    for (const email of emails) {
      expect(email.subject).not.toMatch(/^\[Test\]/);
      expect(email.text).toContain(gatedInPeriod?.title ?? '(no post)');
      expect(`${email.html}\n${email.text}`).not.toContain(CANARY);
    }
    const html = await adminPage('?done=sent');
    expect(html).toContain('The digest is on its way.');
    expect(html).toContain('Nothing is new since the last digest');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL?.trim())('coterie digest with the site on Postgres', () => {
  const postgres = testEngines().find((engine) => engine.name === 'postgres');
  let server: RunningSite | undefined;
  afterAll(async () => {
    await server?.stop();
    await postgres?.cleanup();
  });

  it('goes through the server too, found by the relay card it leaves in the data folder', async () => {
    if (!postgres || !('url' in postgres.options) || !postgres.options.url) throw new Error('no Postgres engine');
    const url = postgres.options.url;
    const handle = await postgres.open();
    await handle.db.insert(campaigns).values({
      kind: 'digest',
      status: 'sent',
      subject: 'An earlier digest',
      plan: digestPlanFixture({ until: earlierDigestEnded.toISOString() }),
      createdBy: 'test',
      createdAt: earlierDigestEnded,
    });
    server = await serveSite(inject('siteDir'), { DATABASE_URL: url });
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../scripts/coterie.ts'), 'digest', 'preview', '--segment', 'staff'], {
      env: { ...inherited, DATABASE_URL: url, COTERIE_DATA_DIR: server.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(output).toContain(CANARY);
    expect(code).toBe(0);
  });
});
