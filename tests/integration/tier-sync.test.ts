/**
 * `coterie tiers sync` against the fake Stripe, through the official SDK and our one
 * Stripe module: in process for the Stripe side, and as the creator runs it (a real
 * `scripts/coterie.ts` process) for output, exit codes and staying off the database.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../src/server/billing/stripe.ts';
import { applyTierSync } from '../../src/server/billing/tier-sync/apply.ts';
import { planTierSync, type TierToSync } from '../../src/server/billing/tier-sync/plan.ts';
import { readStripeState } from '../../src/server/billing/tier-sync/stripe-state.ts';
import { runTiersCommand } from '../../src/server/cli/tiers-command.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'scripts', 'coterie.ts');

import { naturalist, patron } from '../support/sync-tiers.ts';

let fake: FakeStripe;
let stripe: Stripe;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  fake = await startFakeStripe();
  const client = createStripeClient({ STRIPE_SECRET_KEY: fake.secretKey, STRIPE_API_BASE: fake.url });
  if (client === undefined) throw new Error('no client for the fake');
  stripe = client;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fake.close();
});

const sync = (tiers: readonly TierToSync[], { apply = false, migrate = false } = {}) =>
  runTiersCommand({ verb: 'sync', apply, migrate }, { tiers, stripe });

/** The writes made since `from` (an index into the fake's request log). */
const writesSince = (from: number) => fake.requests.slice(from).filter((request) => request.method !== 'GET');

/** The active price holding the key (Stripe lists only active prices unless asked). */
async function holderOf(lookupKey: string): Promise<Stripe.Price | undefined> {
  return (await stripe.prices.list({ lookup_keys: [lookupKey] })).data[0];
}

describe('tiers sync through the SDK', () => {
  it('prints the plan without writing anything, then applies it, then finds nothing to do', async () => {
    const dry = await sync([naturalist, patron]);
    expect(dry).toEqual({
      exitCode: 0,
      output: [
        '+ create product naturalist "Naturalist" (coterie-naturalist)',
        '+ create price naturalist monthly £6.00 (lookup key coterie-naturalist-monthly)',
        '+ create price naturalist yearly £60.00 (lookup key coterie-naturalist-yearly)',
        '+ create product patron "Field Patron" (coterie-patron)',
        '+ create price patron monthly £15.00 (lookup key coterie-patron-monthly)',
        '',
        'Nothing changed: run again with --apply to make Stripe match.',
      ].join('\n'),
    });
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(writesSince(0)).toEqual([]);

    const beforeApply = fake.requests.length;
    const applied = await sync([naturalist, patron], { apply: true });
    expect(applied.exitCode).toBe(0);
    expect(applied.output).toBe(`${dry.output.split('\n\n')[0]}\n\nStripe now matches tiers.yaml: 5 changes made.`);
    const writes = writesSince(beforeApply);
    expect(writes.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      'POST /v1/products 200',
      'POST /v1/prices 200',
      'POST /v1/prices 200',
      'POST /v1/products 200',
      'POST /v1/prices 200',
    ]);
    for (const write of writes) expect(write.idempotencyKey).toMatch(/^coterie-tier-sync-[0-9a-f]{64}$/);

    const product = await stripe.products.retrieve('coterie-naturalist');
    expect(product).toMatchObject({ name: 'Naturalist', description: 'All the paid posts.', active: true, metadata: { coterie_tier: 'naturalist', coterie_visibility: 'public' } });
    expect(await holderOf('coterie-naturalist-yearly')).toMatchObject({
      product: 'coterie-naturalist',
      unit_amount: 6000,
      currency: 'gbp',
      recurring: { interval: 'year', interval_count: 1 },
      active: true,
    });

    const beforeAgain = fake.requests.length;
    expect(await sync([naturalist, patron], { apply: true })).toEqual({ exitCode: 0, output: 'Stripe already matches tiers.yaml.' });
    expect(writesSince(beforeAgain)).toEqual([]);
  });

  it('gives a changed amount a new price holding the lookup key, and archives the old one', async () => {
    await sync([naturalist], { apply: true });
    const old = await holderOf('coterie-naturalist-monthly');
    const raised = { ...naturalist, prices: { monthly: 700, yearly: 6000 } };

    const result = await sync([raised], { apply: true });
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n').slice(0, 2)).toEqual([
      '+ create price naturalist monthly £7.00, replacing £6.00 (takes over lookup key coterie-naturalist-monthly)',
      `- archive price naturalist monthly £6.00 (${old?.id}): replaced; its subscribers stay on it (--migrate moves them)`,
    ]);

    const holder = await holderOf('coterie-naturalist-monthly');
    expect(holder).toMatchObject({ unit_amount: 700, active: true, product: 'coterie-naturalist' });
    expect(holder?.id).not.toBe(old?.id);
    expect(await stripe.prices.retrieve(old?.id ?? '')).toMatchObject({ active: false, lookup_key: null, unit_amount: 600 });
    expect(await sync([raised])).toEqual({ exitCode: 0, output: 'Stripe already matches tiers.yaml.' });
  });

  it('archives, never deletes, the product and prices of a tier removed from tiers.yaml', async () => {
    await sync([naturalist, patron], { apply: true });
    const from = fake.requests.length;
    const result = await sync([naturalist], { apply: true });
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/^- archive price patron monthly £15\.00 \(price_\w+\): the tier is no longer in tiers\.yaml\n- archive product patron "Field Patron"/);
    expect(writesSince(from).every((request) => request.method === 'POST')).toBe(true);

    expect(await stripe.products.retrieve('coterie-patron')).toMatchObject({ active: false, name: 'Field Patron' });
    const archived = await stripe.prices.list({ lookup_keys: ['coterie-patron-monthly'], active: false });
    expect(archived.data).toMatchObject([{ active: false, product: 'coterie-patron' }]);
    expect(await stripe.products.retrieve('coterie-naturalist')).toMatchObject({ active: true });
    expect(await sync([naturalist])).toEqual({ exitCode: 0, output: 'Stripe already matches tiers.yaml.' });
  });

  it('replays, not repeats, the writes of a run retried after a crash', async () => {
    const plan = planTierSync({ tiers: [naturalist], snapshot: await readStripeState(stripe), migrate: false });
    expect(await applyTierSync(stripe, plan)).toMatchObject({ done: plan });
    // The crashed run's plan, sent again: same keys, so Stripe answers from its record.
    const again = await applyTierSync(stripe, plan);
    expect(again.failure).toBeUndefined();
    const products = await stripe.products.list();
    expect(products.data.map((product) => product.id)).toEqual(['coterie-naturalist']);
    const prices = await stripe.prices.list({ product: 'coterie-naturalist' });
    expect(prices.data).toHaveLength(2);
  });

  it('archives a price again after bringing it back, though the archive request is the same as the first', async () => {
    const monthlyOnly = { ...naturalist, prices: { monthly: 600 } };
    await sync([naturalist], { apply: true });
    const yearly = await holderOf('coterie-naturalist-yearly');
    for (const tiers of [[monthlyOnly], [naturalist], [monthlyOnly]]) expect((await sync(tiers, { apply: true })).exitCode).toBe(0);
    // Stripe replays the first archive's answer for the repeated key; the price must still end up archived.
    expect(await stripe.prices.retrieve(yearly?.id ?? '')).toMatchObject({ active: false, lookup_key: 'coterie-naturalist-yearly' });
    expect(await sync([monthlyOnly])).toEqual({ exitCode: 0, output: 'Stripe already matches tiers.yaml.' });
  });

  it('with --migrate, moves subscribers of a replaced price to the new one', async () => {
    await sync([naturalist], { apply: true });
    const old = await holderOf('coterie-naturalist-monthly');
    const subscriptionId = await subscribe(old?.id ?? '');
    const raised = { ...naturalist, prices: { monthly: 700, yearly: 6000 } };

    const dry = await sync([raised], { migrate: true });
    expect(dry.output).toContain(`> move 1 subscription on naturalist monthly to £7.00 (coterie-naturalist-monthly) from ${old?.id}`);

    const result = await sync([raised], { apply: true, migrate: true });
    expect(result.exitCode).toBe(0);
    const holder = await holderOf('coterie-naturalist-monthly');
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.items.data[0]?.price.id).toBe(holder?.id);
    expect(await sync([raised], { migrate: true })).toEqual({ exitCode: 0, output: 'Stripe already matches tiers.yaml.' });
  });

  it('stops at the first refused write with one line, after listing what it did', async () => {
    // Stripe caps lookup keys at 200 characters: this tier's product goes in, its price is refused.
    const longId = 'a'.repeat(190);
    const long: TierToSync = { ...patron, id: longId };
    const result = await sync([naturalist, long], { apply: true });
    expect(result.exitCode).toBe(1);
    const lines = result.output.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '+ create product naturalist "Naturalist" (coterie-naturalist)',
      '+ create price naturalist monthly £6.00 (lookup key coterie-naturalist-monthly)',
      '+ create price naturalist yearly £60.00 (lookup key coterie-naturalist-yearly)',
      `+ create product ${longId} "Field Patron" (coterie-${longId})`,
    ]);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe(
      `Stopped after 4 changes of 5: "+ create price ${longId} monthly £15.00 (lookup key coterie-${longId}-monthly)" failed. ` +
        'Stripe refused: A lookup key can have up to 200 characters. (HTTP 400)',
    );
    expect(await stripe.products.retrieve(`coterie-${longId}`)).toMatchObject({ active: true });
  });
});

describe('coterie tiers sync as the creator runs it', () => {
  function tempFolder(): string {
    const folder = mkdtempSync(join(tmpdir(), 'coterie-tier-sync-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    return folder;
  }

  /** A content folder with a one-tier tiers.yaml, and a PGlite folder that must stay unmade. */
  function setup(tiersYaml: string) {
    const content = tempFolder();
    writeFileSync(join(content, 'tiers.yaml'), tiersYaml);
    const dataDir = join(tempFolder(), 'pglite');
    const env: NodeJS.ProcessEnv = { ...process.env, COTERIE_CONTENT_DIR: content, COTERIE_DATA_DIR: dataDir, STRIPE_SECRET_KEY: fake.secretKey, STRIPE_API_BASE: fake.url };
    delete env.DATABASE_URL;
    return { content, dataDir, env };
  }

  async function coterie(args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    return { code: code as number | null, stdout, stderr };
  }

  const tiersYaml = `- id: naturalist
  name: Naturalist
  description: All the paid posts.
  prices: { monthly: 600 }
  currency: gbp
`;

  it('plans, applies, and then has nothing to do, without opening the database', async () => {
    const { dataDir, env } = setup(tiersYaml);
    const plan = await coterie(['tiers', 'sync'], env);
    expect(plan).toEqual({
      code: 0,
      stdout:
        '+ create product naturalist "Naturalist" (coterie-naturalist)\n' +
        '+ create price naturalist monthly £6.00 (lookup key coterie-naturalist-monthly)\n\n' +
        'Nothing changed: run again with --apply to make Stripe match.\n',
      stderr: '',
    });
    expect(writesSince(0)).toEqual([]);

    const applied = await coterie(['tiers', 'sync', '--apply'], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/\n\nStripe now matches tiers\.yaml: 2 changes made\.\n$/);

    expect(await coterie(['tiers', 'sync', '--apply'], env)).toEqual({ code: 0, stdout: 'Stripe already matches tiers.yaml.\n', stderr: '' });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('exits 1 with how to configure Stripe when STRIPE_SECRET_KEY is unset', async () => {
    const { dataDir, env } = setup(tiersYaml);
    delete env.STRIPE_SECRET_KEY;
    expect(await coterie(['tiers', 'sync'], env)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Stripe is not configured: set STRIPE_SECRET_KEY (sk_test_… from https://dashboard.stripe.com/test/apikeys) and run again.\n',
    });
    expect(existsSync(dataDir)).toBe(false);
    expect(fake.requests).toEqual([]);
  });

  it('exits 1 with one line, and no key, when Stripe refuses the key', async () => {
    const { env } = setup(tiersYaml);
    const wrongKey = 'sk_test_wrongwrongwrong1234';
    const result = await coterie(['tiers', 'sync', '--apply'], { ...env, STRIPE_SECRET_KEY: wrongKey });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Could not read Coterie's products from Stripe\. Stripe refused/);
    expect(result.stderr).not.toContain('wrongwrong');
  });

  it('exits 2 on a mistyped option before touching Stripe', async () => {
    const { env } = setup(tiersYaml);
    const result = await coterie(['tiers', 'sync', '--aply'], env);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'Unknown option --aply.\nUsage: coterie tiers sync [--apply] [--migrate]\n' });
    expect(fake.requests).toEqual([]);
  });
});

/** A customer subscribed to `priceId` through the fake's hosted Checkout page. */
async function subscribe(priceId: string): Promise<string> {
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: priceId, quantity: 1 }],
    customer_email: 'ada@example.com',
    success_url: 'http://localhost/welcome',
  });
  const paid = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: 'POST', body: new URLSearchParams({ email: 'ada@example.com' }), redirect: 'manual' });
  expect(paid.status).toBe(303);
  const completed = await stripe.checkout.sessions.retrieve(session.id);
  if (typeof completed.subscription !== 'string') throw new Error('Checkout made no subscription');
  return completed.subscription;
}
