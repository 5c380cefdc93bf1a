/**
 * `npm run dev` beside a running `npm start` on the embedded database: the dev server
 * refuses at start, naming the holder, instead of answering 500 on database pages.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AstroIntegration } from 'astro';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acquireDataLock, lockFileName } from '../../db/data-lock.ts';
import devDatabaseLock, { devDatabaseRefusal } from '../../src/integrations/dev-database-lock.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'coterie-dev-lock-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** `npm start` on another machine (or in a container) whose heartbeat is fresh. */
function heldElsewhere(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const holder = {
    pid: 4242,
    command: 'node scripts/start.ts',
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    host: { hostname: 'server-box', bootId: '00000000-0000-4000-8000-000000000000' },
    processStartedAt: '2026-01-01T07:59:58.000Z',
    heartbeatAt: new Date().toISOString(),
  };
  writeFileSync(join(dataDir, lockFileName), JSON.stringify(holder));
}

const logged: string[] = [];
const logger = { error: (line: string) => logged.push(line) };

function setupHook(integration: AstroIntegration) {
  const hook = integration.hooks['astro:config:setup'];
  if (!hook) throw new Error('no astro:config:setup hook');
  return (command: 'dev' | 'build', root: string, isRestart = false) =>
    // Only the options the hook reads.
    hook({ command, isRestart, config: { root: pathToFileURL(`${root}/`) }, logger } as unknown as Parameters<typeof hook>[0]);
}

describe('the dev server on a held embedded database', () => {
  it('refuses, naming the holder and what to do', () => {
    const root = project();
    heldElsewhere(join(root, 'data', 'pglite'));
    const refusal = devDatabaseRefusal({}, root);
    expect(refusal).toContain(join(root, 'data', 'pglite'));
    expect(refusal).toContain('pid 4242 ("node scripts/start.ts") on host server-box, started 2026-01-01T07:59:58.000Z');
    expect(refusal).toContain('Stop that process (usually `npm start`) before `npm run dev`');
    expect(refusal).toContain('DATABASE_URL');
  });

  it('stops `astro dev` at start-up, and leaves builds alone', () => {
    const root = project();
    const dataDir = join(root, 'elsewhere');
    heldElsewhere(dataDir);
    vi.stubEnv('COTERIE_DATA_DIR', dataDir);
    vi.stubEnv('DATABASE_URL', '');
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    cleanups.push(() => exit.mockRestore());
    logged.length = 0;
    const run = setupHook(devDatabaseLock());
    expect(() => run('dev', root)).toThrow('exit 1');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`The embedded database in ${dataDir} is in use by pid 4242`);
    expect(() => run('build', root)).not.toThrow();
  });

  it('lets it start on a free folder, restart while holding the folder itself, or run on Postgres', () => {
    const root = project();
    expect(devDatabaseRefusal({}, root)).toBeUndefined();
    const lock = acquireDataLock(join(root, 'data', 'pglite'));
    cleanups.push(() => lock.release());
    expect(() => setupHook(devDatabaseLock())('dev', root, true)).not.toThrow();
    heldElsewhere(join(root, 'other', 'pglite'));
    expect(devDatabaseRefusal({ DATABASE_URL: 'postgres://db/x', COTERIE_DATA_DIR: join(root, 'other', 'pglite') }, root)).toBeUndefined();
  });
});
