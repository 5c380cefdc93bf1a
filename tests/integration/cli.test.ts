/**
 * `scripts/coterie.ts` as the creator runs it: a real process, a real database, and a
 * PGlite folder that may belong to another process (with or without a relay).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lockFileName } from '../../db/data-lock.ts';
import { relayFileName } from '../../src/server/cli/relay-file.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';
import type { TestEngine } from '../support/test-database.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'scripts', 'coterie.ts');
const fixtures = join(root, 'tests', 'integration', 'fixtures');

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'coterie-cli-test-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** An environment with only the PGlite folder set: no DATABASE_URL leaking in from outside. */
function pgliteEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, COTERIE_DATA_DIR: dataDir, ...extra };
  delete env.DATABASE_URL;
  return env;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function coterie(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  // vitest runs under the project's Node 24, which runs the .ts entry point directly.
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env });
  cleanups.push(() => stopIfRunning(child));
  const [[code], stdout, stderr] = await Promise.all([once(child, 'exit'), collect(child.stdout), collect(child.stderr)]);
  return { code: code as number | null, stdout, stderr };
}

describe.each(engines)('coterie members on $name', (engine) => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    if (engine.name === 'pglite') {
      env = pgliteEnv(engine.options.dataDir ?? '');
      return;
    }
    // Creates the database; the CLI migrates it like any other.
    await (await engine.open({ migrate: false })).close();
    // A PGlite folder the CLI must not create while DATABASE_URL is set.
    env = { ...process.env, DATABASE_URL: engine.options.url, COTERIE_DATA_DIR: join(tmpdir(), `coterie-cli-unused-${process.pid}`) };
  });

  it('grants a tier, then lists the member with it', async () => {
    const grant = await coterie(['members', 'grant', 'Ada@Example.com', 'patron', '--until', '2999-12-31'], env);
    expect(grant).toEqual({ code: 0, stdout: 'Granted patron to ada@example.com until 2999-12-31 (new member).\n', stderr: '' });

    const list = await coterie(['members', 'list'], env);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^EMAIL +NAME +HANDLE +ROLE +JOINED +TIERS\nada@example\.com +- +- +member +\d{4}-\d\d-\d\d +patron until 2999-12-31\n\n1 member\n$/);

    if (engine.name === 'pglite') {
      // Closed and released, so `npm start` can open the folder straight after.
      expect(existsSync(join(env.COTERIE_DATA_DIR ?? '', lockFileName))).toBe(false);
    } else {
      expect(existsSync(env.COTERIE_DATA_DIR ?? '')).toBe(false);
    }
  });

  it('refuses an unknown tier with exit code 1, naming the tiers there are', async () => {
    const run = await coterie(['members', 'grant', 'grace@example.com', 'gold'], env);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Unknown tier "gold". Tiers in tiers.yaml: naturalist (Naturalist), patron (Field Patron).\n',
    });
  });
});

describe('coterie usage', () => {
  it('answers a usage error with exit code 2 without touching the database', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const missing = await coterie(['members', 'grant', 'ada@example.com'], pgliteEnv(dataDir));
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      'members grant needs <tier>.\nUsage: coterie members grant <email> <tier> [--until YYYY-MM-DD] [--note text] [--json]\n',
    );

    const unknown = await coterie(['frobnicate'], pgliteEnv(dataDir));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "frobnicate"\.\n\nUsage: coterie <area> <verb>/);

    const badDate = await coterie(['members', 'grant', 'ada@example.com', 'patron', '--until', '31/12/2030'], pgliteEnv(dataDir));
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/^--until "31\/12\/2030" is not a date: write it as YYYY-MM-DD/);

    expect(existsSync(dataDir)).toBe(false);
  });

  it('prints help on stdout with exit code 0', async () => {
    const help = await coterie(['help'], pgliteEnv(join(tempFolder(), 'pglite')));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('coterie members grant <email> <tier>');
  });

  it('names tiers.yaml and the field when the file is broken', async () => {
    const content = tempFolder();
    writeFileSync(join(content, 'tiers.yaml'), '- id: gold\n  name: Gold\n  description: Shiny.\n  prices: { monthly: 9.99 }\n');
    const dataDir = join(tempFolder(), 'pglite');
    const run = await coterie(['members', 'list'], pgliteEnv(dataDir, { COTERIE_CONTENT_DIR: content }));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${join(content, 'tiers.yaml')}: tier 1 ("gold"): prices.monthly: must be a whole number of minor units, e.g. 600 for 6.00\n`,
    );
  });
});

describe('a PGlite folder held by a process that relays nothing', () => {
  let dataDir: string;
  let holder: Awaited<ReturnType<typeof startFixture>>;
  const stopHolder: (() => unknown)[] = [];
  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'coterie-cli-test-')), 'pglite');
    stopHolder.push(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));
    holder = await startFixture('hold-database.ts', dataDir, stopHolder);
  });
  afterAll(async () => {
    for (const cleanup of stopHolder.reverse()) await cleanup();
  });
  afterEach(() => rmSync(join(dataDir, relayFileName), { force: true }));

  it('is refused, and left untouched', async () => {
    const before = snapshot(dataDir);
    const run = await coterie(['members', 'grant', 'ada@example.com', 'patron'], pgliteEnv(dataDir));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const message = run.stderr.trimEnd();
    expect(message).not.toContain('\n');
    expect(message).toContain(`The database folder ${dataDir} is in use by pid ${holder.pid}`);
    expect(message).toContain('hold-database.ts');
    expect(message).toContain('Stop that process');
    expect(message).toContain('`npm start`');
    expect(message).toContain('DATABASE_URL');
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('is refused when the relay card belongs to an earlier server', async () => {
    const stale = { url: 'http://127.0.0.1:9/api/cli', token: 'old', pid: holder.pid + 1 };
    writeFileSync(join(dataDir, relayFileName), JSON.stringify(stale));
    const run = await coterie(['members', 'list'], pgliteEnv(dataDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`in use by pid ${holder.pid}`);
    expect(run.stderr).toContain('it takes no CLI commands');
  });

  it('is refused with a clear line when the relay does not answer', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/cli`;
    writeFileSync(join(dataDir, relayFileName), JSON.stringify({ url, token: 't', pid: holder.pid }));
    const run = await coterie(['members', 'list'], pgliteEnv(dataDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`in use by pid ${holder.pid}`);
    expect(run.stderr).toMatch(`its CLI relay at ${url} did not answer (connect ECONNREFUSED`);
  });
});

describe('a PGlite folder held by the server', () => {
  it('runs commands through the relay of the server holding it', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const server = await startFixture('relay-server.ts', dataDir);
    const card = JSON.parse(readFileSync(join(dataDir, relayFileName), 'utf8'));
    expect(card).toEqual({ url: server.url, token: expect.stringMatching(/^[\w-]{43}$/), pid: server.pid });
    expect(statSync(join(dataDir, relayFileName)).mode & 0o777).toBe(0o600);

    const grant = await coterie(['members', 'grant', 'wren@example.com', 'naturalist'], pgliteEnv(dataDir));
    expect(grant).toEqual({ code: 0, stdout: 'Granted naturalist to wren@example.com until revoked (new member).\n', stderr: '' });
    const unknown = await coterie(['members', 'grant', 'wren@example.com', 'gold'], pgliteEnv(dataDir));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown tier "gold"');

    // A card whose token the server does not know is refused, not obeyed.
    writeFileSync(join(dataDir, relayFileName), JSON.stringify({ ...card, token: 'guessed' }));
    const forged = await coterie(['members', 'revoke', 'wren@example.com', 'naturalist'], pgliteEnv(dataDir));
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain('refused: it did not accept the token');
    writeFileSync(join(dataDir, relayFileName), JSON.stringify(card));

    // Stopping the server removes its card and frees the folder: the grant is in the folder itself.
    server.child.stdin.end();
    expect((await once(server.child, 'exit'))[0]).toBe(0);
    expect(existsSync(join(dataDir, relayFileName))).toBe(false);
    const list = await coterie(['members', 'list', '--json'], pgliteEnv(dataDir));
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).members.map((member: { email: string; tiers: unknown }) => [member.email, member.tiers])).toEqual([
      ['wren@example.com', [{ tier: 'naturalist', endsAt: null }]],
    ]);
  });
});

/** Starts a fixture that holds `dataDir`; resolves once it prints "ready <pid> [url]". */
async function startFixture(name: string, dataDir: string, stopLater: (() => unknown)[] = cleanups) {
  const child = spawn(process.execPath, [join(fixtures, name), dataDir], { cwd: root, env: pgliteEnv(dataDir) });
  stopLater.push(() => stopIfRunning(child));
  const stderr = collect(child.stderr);
  for await (const line of createInterface({ input: child.stdout })) {
    const ready = /^ready (\d+)(?: (\S+))?$/.exec(line);
    if (ready) return { child, pid: Number(ready[1]), url: ready[2] };
  }
  throw new Error(`${name} exited before holding the folder:\n${await stderr}`);
}

/** Every file under `folder` with its size and modification time. */
function snapshot(folder: string): Record<string, [number, number]> {
  const files: Record<string, [number, number]> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    // The holder rewrites its lock file with a fresh heartbeat every few seconds.
    if (entry.name.startsWith(lockFileName)) continue;
    const path = join(entry.parentPath, entry.name);
    const { size, mtimeMs } = statSync(path);
    files[path] = [size, mtimeMs];
  }
  return files;
}

/** A loopback port nothing listens on: one just freed by a server we closed. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function stopIfRunning(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}
