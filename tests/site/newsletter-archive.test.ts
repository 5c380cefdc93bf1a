/**
 * The newsletter archive over HTTP: a digest whose paid post carries the canary in its
 * full body, asked for by a stranger, a free member and a paying member. Only the paying
 * member gets the canary (the control that lets the others' checks fail); nobody outside
 * the patrons sees the patron-only thread; tests and unknown ids are a plain 404.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { openDatabase } from '../../db/client.ts';
import { campaigns } from '../../db/schema.ts';
import { tierSchema } from '../../src/schemas/tier.ts';
import { composePlan } from '../../src/server/newsletter/digest/compose-plan.ts';
import type { DigestThread } from '../../src/server/newsletter/digest/plan.ts';
import { hedgerowDir } from '../support/communities.ts';
import { settings } from '../unit/digest-fixture.ts';
import { CANARY } from './canary.ts';
import { coterie } from './coterie-cli.ts';
import { signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const run = Date.now().toString(36);
const patronThread = `Patron plans ${run}`;
const openThread = `Frosty webs ${run}`;
const paidSlug = 'mystery-photos-october';
const tiers = (parse(readFileSync(resolve(hedgerowDir, 'tiers.yaml'), 'utf8')) as unknown[]).map((tier) => tierSchema.parse(tier));

function archivedPlan(options: { posts?: boolean; threadOrder?: 'open-first' | 'patron-first' } = {}) {
  const [first, second]: [DigestThread, DigestThread] = [
    { id: 'open', title: openThread, url: 'http://localhost:4321/t/open', place: { kind: 'space', id: 'field-notes', name: 'Field notes', read: 'public', post: 'members' }, replies: 4, participants: 3 },
    { id: 'patron', title: patronThread, url: 'http://localhost:4321/t/patron', place: { kind: 'space', id: 'planning-table', name: 'The planning table', read: ['patron'], post: ['patron'] }, replies: 3, participants: 2 },
  ];
  const threads = options.threadOrder === 'patron-first' ? [second, first] : [first, second];
  return composePlan({
    settings,
    site: { name: 'The Hedgerow', postalAddress: 'The Old Forge', language: 'en' },
    siteUrl: 'http://localhost:4321',
    tiers,
    since: new Date('2026-10-26T09:00:00Z'),
    until: new Date('2026-11-02T09:00:00Z'),
    posts: options.posts === false ? [] : [{ slug: paidSlug, title: 'Mystery Photos: The October Roundup', description: 'Our verdicts.', date: new Date('2026-11-02T00:00:00Z'), access: 'paid', newsletter: 'full', draft: false }],
    bodies: new Map([[paidSlug, `<p>October brought the biggest postbag.</p><!--coterie:paywall--><h2>The verdicts</h2><p>${CANARY}.</p>`]]),
    threads,
  });
}

let site: RunningSite;
let dataDir = '';
const cookies = { free: '', paid: '' };

beforeAll(async () => {
  // The server holds the PGlite folder once it runs, so the campaigns go in first.
  dataDir = join(mkdtempSync(join(tmpdir(), 'coterie-archive-')), 'pglite');
  const handle = await openDatabase({ dataDir });
  const plan = archivedPlan();
  const sentAt = new Date('2026-11-02T09:00:00Z');
  // A quiet week: no post, and the busiest thread is in the patron-only space.
  const quiet = archivedPlan({ posts: false, threadOrder: 'patron-first' });
  const quietAt = new Date('2026-11-09T09:00:00Z');
  await handle.db.insert(campaigns).values([
    { id: 'digestsent1', kind: 'digest', status: 'sent', subject: plan.subject, plan, createdBy: 'schedule', createdAt: sentAt, startedAt: sentAt, sentAt },
    { id: 'quietweek1', kind: 'digest', status: 'sent', subject: quiet.subject, plan: quiet, createdBy: 'schedule', createdAt: quietAt, startedAt: quietAt, sentAt: quietAt },
    { id: 'ownertest1', kind: 'test', status: 'sent', subject: 'A test for the owner', plan, createdBy: 'wren@hedgerow.example', createdAt: sentAt, startedAt: sentAt },
  ]);
  await handle.close();

  site = await serveSite(inject('siteDir'), { COTERIE_DATA_DIR: dataDir });
  cookies.free = await signInOverHttp(site, `free-${run}@example.com`);
  cookies.paid = await signInOverHttp(site, `naturalist-${run}@example.com`);
  await coterie({ ...site, dataDir }, ['members', 'grant', `naturalist-${run}@example.com`, 'naturalist']);
});

afterAll(async () => {
  await site?.stop();
  if (dataDir) rmSync(resolve(dataDir, '..'), { recursive: true, force: true });
});

async function get(path: string, cookie = ''): Promise<{ status: number; body: string; cacheControl: string | null }> {
  const response = await fetch(new URL(path, site.url), { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  return { status: response.status, body: await response.text(), cacheControl: response.headers.get('cache-control') };
}

describe('the newsletter archive', () => {
  it('lists the digests that went out, not the owner’s tests, and is never cached for others', async () => {
    const page = await get('/newsletter');
    expect(page.status).toBe(200);
    expect(page.cacheControl).toBe('private, no-store');
    expect(page.body).toContain('href="/newsletter/digestsent1"');
    expect(page.body).toContain('The Hedgerow Weekly: Mystery Photos: The October Roundup');
    expect(page.body).not.toContain('ownertest1');
  });

  it('the paying member reads the paid post in full and sees no patron thread (the control)', async () => {
    const page = await get('/newsletter/digestsent1', cookies.paid);
    expect(page.status).toBe(200);
    expect(page.body).toContain(CANARY);
    expect(page.body).toContain(openThread);
    expect(page.body).not.toContain(patronThread);
  });

  it.each(['stranger', 'free'] as const)('a %s gets the teaser and the upgrade, never the gated words', async (who) => {
    const page = await get('/newsletter/digestsent1', who === 'free' ? cookies.free : '');
    expect(page.status).toBe(200);
    expect(page.cacheControl).toBe('private, no-store');
    expect(page.body).toContain('October brought the biggest postbag.');
    expect(page.body).toContain('Upgrade to Naturalist');
    expect(page.body).toContain(`href="/join?tier=naturalist&amp;from=%2Fposts%2F${paidSlug}"`);
    expect(page.body).not.toContain(CANARY);
    expect(page.body).not.toContain('Quillwort');
    expect(page.body).not.toContain(patronThread);
    expect(page.body).toContain(openThread);
  });

  it('a quiet week’s subject names no patron-only thread, in the list or on its page, for anyone outside the patrons', async () => {
    const list = await get('/newsletter');
    expect(list.body).toContain('href="/newsletter/quietweek1"');
    expect(list.body).toContain(`The Hedgerow Weekly: ${openThread}`);
    expect(list.body).not.toContain(patronThread);
    for (const cookie of ['', cookies.free, cookies.paid]) {
      const page = await get('/newsletter/quietweek1', cookie);
      expect(page.status).toBe(200);
      expect(page.body).toContain(openThread);
      expect(page.body).not.toContain(patronThread);
    }
  });

  it('answers 404 for an unknown id and for a campaign that is not a digest sent to subscribers', async () => {
    for (const id of ['nosuchdigest', 'ownertest1']) {
      const page = await get(`/newsletter/${id}`, cookies.paid);
      expect(page.status, id).toBe(404);
      expect(page.body).not.toContain(CANARY);
    }
  });
});
