/**
 * `coterie digest …` against a real database, with the server's digest services played by
 * a fixed plan (the site tests run it through the real server), and `scripts/coterie.ts`
 * as a process: where it sends digest commands, and the file `members import` reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { campaigns, emailSends, members } from '../../db/schema.ts';
import type { DigestServices } from '../../src/server/cli/command-result.ts';
import { digestNeedsServer } from '../../src/server/cli/digest-command.ts';
import { runCommand } from '../../src/server/cli/run-command.ts';
import type { DigestPlan } from '../../src/server/newsletter/digest/plan.ts';
import type { Tier } from '../../src/schemas/tier.ts';
import { digestPlanFixture, paidCanary } from '../support/digest-plan-fixture.ts';
import { seedSubscribers } from '../support/subscribers.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const tiers = [
  { id: 'naturalist', name: 'Naturalist' },
  { id: 'patron', name: 'Field Patron' },
] as unknown as Tier[];
const now = new Date('2026-11-23T10:00:00Z');

describe.each(engines)('coterie digest on $name', (engine) => {
  let handle: DatabaseHandle;
  let plan: DigestPlan;
  let wakes: number;

  beforeAll(async () => {
    handle = await engine.open();
  });
  beforeEach(async () => {
    await handle.db.execute(sql`truncate members, campaigns, suppressions cascade`);
    plan = digestPlanFixture();
    wakes = 0;
  });

  const services = (): DigestServices => ({
    compose: async () => plan,
    tiers,
    timeZone: 'Europe/London',
    ownerEmail: 'Wren@Hedgerow.example',
    wake: () => {
      wakes += 1;
    },
  });
  const digest = (args: string[]) => runCommand(['digest', ...args], { db: handle.db, tiers, now, digest: async () => services() });

  it('previews the digest as each segment receives it: gated bodies only for those entitled', async () => {
    const free = await digest(['preview']);
    expect(free.exitCode).toBe(0);
    expect(free.output).toMatch(/^Subject: The Hedgerow Weekly: Owl pellets, opened\nAs: Free subscriber\n\n/);
    expect(free.output).toContain('Every pellet is a week of dinners.');
    expect(free.output).not.toContain(paidCanary);

    const naturalist = await digest(['preview', '--segment', 'naturalist']);
    expect(naturalist.output).toContain('As: Naturalist member');
    expect(naturalist.output).toContain(paidCanary);

    const html = await digest(['preview', '--segment', 'staff', '--html']);
    expect(html.output).toMatch(/^<!doctype html>/i);
    expect(html.output).toContain('<title>The Hedgerow Weekly: Owl pellets, opened</title>');
    expect(html.output).toContain(paidCanary);
    expect(await handle.db.select().from(campaigns)).toEqual([]);
  });

  it('names the segments there are when asked for another', async () => {
    expect(await digest(['preview', '--segment', 'gold'])).toEqual({ exitCode: 1, output: 'There is no segment "gold": use free, naturalist, patron or staff.' });
  });

  it('sends to every subscriber now, and wakes the sender', async () => {
    await seedSubscribers(handle.db, { count: 3, status: (index) => (index === 1 ? 'unsubscribed' : 'subscribed') });
    const result = await digest(['send']);
    expect(result.exitCode).toBe(0);
    const [campaign] = await handle.db.select().from(campaigns);
    expect(campaign).toMatchObject({ kind: 'digest', status: 'sending', createdBy: 'cli', subject: plan.subject, recipientCount: 2 });
    expect(result.output).toBe(`Sending "${plan.subject}": campaign ${campaign?.id}, 2 recipients. Follow it at /admin/newsletter.`);
    expect(wakes).toBe(1);
  });

  it('sends a test to the owner only, making the owner a member if they never signed in', async () => {
    await seedSubscribers(handle.db, { count: 3 });
    const result = await digest(['send', '--test']);
    expect(result.exitCode).toBe(0);
    const [campaign] = await handle.db.select().from(campaigns);
    expect(campaign).toMatchObject({ kind: 'test', status: 'sending', recipientCount: 1 });
    expect(result.output).toBe(`Sending a test of "${plan.subject}" to wren@hedgerow.example: campaign ${campaign?.id}, 1 recipient.`);
    expect((await handle.db.select({ email: emailSends.email }).from(emailSends)).map((row) => row.email)).toEqual(['wren@hedgerow.example']);
    // Made a member to receive it, not a subscriber.
    const [owner] = await handle.db.select().from(members).where(eq(members.email, 'wren@hedgerow.example'));
    expect(owner?.newsletter).toBe('unsubscribed');
  });

  it('schedules for a time on the newsletter\'s clock, choosing recipients only when it is due', async () => {
    await seedSubscribers(handle.db, { count: 2 });
    const result = await digest(['schedule', '2026-11-30', '09:00']);
    expect(result.exitCode).toBe(0);
    const [campaign] = await handle.db.select().from(campaigns);
    expect(campaign).toMatchObject({ kind: 'digest', status: 'scheduled', scheduledFor: new Date('2026-11-30T09:00:00Z'), recipientCount: 0 });
    expect(result.output).toContain(`Scheduled "${plan.subject}" for 2026-11-30 09:00 Europe/London (2026-11-30T09:00:00.000Z): campaign ${campaign?.id}.`);
    expect(await handle.db.select().from(emailSends)).toEqual([]);
  });

  it('refuses a time that has passed, or a year away, and sends nothing', async () => {
    const past = await digest(['schedule', '2026-11-23 09:00']);
    expect(past).toEqual({ exitCode: 1, output: '2026-11-23 09:00 Europe/London has already passed: choose a later time, or send the digest now.' });
    const far = await digest(['schedule', '2028-01-01T09:00:00Z']);
    expect(far.exitCode).toBe(1);
    expect(far.output).toContain('is more than a year away: check the year.');
    expect(await handle.db.select().from(campaigns)).toEqual([]);
  });

  it('refuses to send when nobody is subscribed', async () => {
    expect(await digest(['send'])).toEqual({ exitCode: 1, output: 'Nobody is subscribed to the newsletter yet, so there is nobody to send it to.' });
    expect(await handle.db.select().from(campaigns)).toEqual([]);
  });

  it('refuses to send or schedule a digest with nothing new', async () => {
    plan = digestPlanFixture({ posts: [], threads: [] });
    for (const args of [['send'], ['send', '--test'], ['schedule', '2026-11-30 09:00']]) {
      const result = await digest(args);
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.output).toMatch(/^Nothing is new since the last digest \(November 16, 2026\)/);
    }
    expect(await handle.db.select().from(campaigns)).toEqual([]);
    expect(wakes).toBe(0);
  });
});

describe('scripts/coterie.ts', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempFolder(): string {
    const folder = mkdtempSync(join(tmpdir(), 'coterie-digest-cli-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    return folder;
  }

  function env(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    // As when run with `node scripts/coterie.ts`, not through npm, unless `extra` says otherwise.
    const { DATABASE_URL: _url, npm_lifecycle_event: _event, INIT_CWD: _cwd, ...inherited } = process.env;
    return { ...inherited, COTERIE_DATA_DIR: dataDir, ...extra };
  }

  async function coterie(args: string[], environment: NodeJS.ProcessEnv, cwd = root) {
    const child = spawn(process.execPath, [join(root, 'scripts/coterie.ts'), ...args], { cwd, env: environment });
    cleanups.push(() => stopIfRunning(child));
    const [[code], stdout, stderr] = await Promise.all([once(child, 'exit'), collect(child.stdout), collect(child.stderr)]);
    return { code: code as number | null, stdout, stderr };
  }

  async function relayServer(dataDir: string) {
    const child = spawn(process.execPath, [join(root, 'tests/integration/fixtures/relay-server.ts'), dataDir], { cwd: root, env: env(dataDir) });
    cleanups.push(() => stopIfRunning(child));
    for await (const line of createInterface({ input: child.stdout })) if (line.startsWith('ready ')) return child;
    throw new Error('the relay fixture exited before it was ready');
  }

  it('says to start the site when nothing serves the PGlite folder, and leaves the folder alone', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const run = await coterie(['digest', 'preview'], env(dataDir));
    expect(run).toEqual({ code: 1, stdout: '', stderr: `${digestNeedsServer}\n` });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('says so too on Postgres when no server left its card, without connecting anywhere', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const run = await coterie(['digest', 'send', '--test'], env(dataDir, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' }));
    expect(run).toEqual({ code: 1, stdout: '', stderr: `${digestNeedsServer}\n` });
  });

  it('sends digest commands to the relay of the server holding the folder', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    await relayServer(dataDir);
    // The fixture relays like `npm start` but composes no digests: its answer proves the command got there.
    const run = await coterie(['digest', 'preview', '--segment', 'staff'], env(dataDir));
    expect(run).toEqual({ code: 1, stdout: '', stderr: `${digestNeedsServer}\n` });
    const usage = await coterie(['digest', 'schedule', 'someday'], env(dataDir));
    expect(usage.code).toBe(2);
  });

  it('reads the file of members import from the caller\'s folder, here and through the relay', async () => {
    const callerDir = tempFolder();
    writeFileSync(join(callerDir, 'subscribers.csv'), 'email,email_disabled\nada@example.com,false\n');
    const dataDir = join(tempFolder(), 'pglite');

    const here = await coterie(['members', 'import', 'subscribers.csv', '--dry-run', '--json'], env(dataDir), callerDir);
    expect(here.stderr).toBe('');
    expect(here.code).toBe(0);
    expect(here.stdout).toContain(join(callerDir, 'subscribers.csv'));

    await relayServer(dataDir);
    const relayed = await coterie(['members', 'import', '--dry-run', 'subscribers.csv', '--json'], env(dataDir), callerDir);
    expect(relayed.stderr).toBe('');
    expect(relayed.code).toBe(0);
    expect(relayed.stdout).toContain(join(callerDir, 'subscribers.csv'));

    // Under npm the script starts in the project root; INIT_CWD says where the caller was.
    const npm = await coterie(['members', 'import', 'subscribers.csv', '--dry-run', '--json'], env(dataDir, { npm_lifecycle_event: 'coterie', INIT_CWD: callerDir }), root);
    expect(npm.stderr).toBe('');
    expect(npm.stdout).toContain(join(callerDir, 'subscribers.csv'));
  });
});

function stopIfRunning(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  let text = '';
  if (stream) for await (const chunk of stream) text += String(chunk);
  return text;
}
