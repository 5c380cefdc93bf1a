import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'coterie-start-'));
const children: ChildProcess[] = [];
afterAll(() => {
  // A server that should have refused to start but did not must not outlive the tests.
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** `npm start`'s script, pointed at the test build (fresh, so it is served without rebuilding). */
function start(env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      COTERIE_OUT_DIR: inject('siteDir'),
      COTERIE_CONTENT_DIR: join(inject('siteDir'), '../canary-content'),
      COTERIE_DATA_DIR: dataDir,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      PORT: '0',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function listeningUrl(started: Started): Promise<string> {
  for (;;) {
    const match = /listening on (http:\/\/[\d.:]+)/.exec(started.output());
    if (match?.[1]) return match[1];
    if (started.child.exitCode !== null) throw new Error(`start exited early:\n${started.output()}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

describe('npm start', () => {
  it('opens and migrates the embedded database, serves the hub, refuses a second server, and closes cleanly on SIGTERM', async () => {
    const first = start();
    const url = await listeningUrl(first);
    expect(first.output()).not.toContain('Building the site');
    expect(first.output()).toContain(`Database: embedded PGlite in ${dataDir}`);
    expect((await fetch(url)).status).toBe(200);
    expect(existsSync(join(dataDir, 'coterie.lock'))).toBe(true);
    // PGlite writes its own files: the server's umask keeps them from other accounts.
    expect(openToOthers(dataDir)).toEqual([]);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`pid ${first.child.pid}`);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'coterie.lock'))).toBe(false);
  });

  it.each(['0.0.0.0', '::'])('refuses to start with HOST=%s and no SITE_URL, naming SITE_URL', async (HOST) => {
    const refused = start({ HOST, SITE_URL: '' });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(`HOST is "${HOST}", which accepts connections from other machines, but SITE_URL is not set.`);
    expect(refused.output()).not.toContain('listening on');
    // Refused before the database was opened.
    expect(existsSync(join(dataDir, 'coterie.lock'))).toBe(false);
  });
});

/** Files and folders under `folder` that its group or other users may read. */
function openToOthers(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => (statSync(path).mode & 0o077) !== 0);
}
