/**
 * The embedded database's data folder: one process at a time, stale locks taken over,
 * data kept across restarts, one shared instance per process.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { lockFileName, parseLockHolder } from '../../db/data-lock.ts';
import { members } from '../../db/schema.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const nodeBin = join(root, 'node_modules', '.bin', 'node');
const fixtures = join(root, 'tests', 'integration', 'fixtures');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'coterie-lock-test-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function readLock(dataDir: string) {
  return parseLockHolder(readFileSync(join(dataDir, lockFileName), 'utf8'));
}

describe('the PGlite data folder', () => {
  it('refuses a second process, naming the holder, and opens once the holder stops', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const holder = await startHolder(dataDir);
    const lock = readLock(dataDir);

    const error = await openDatabase({ dataDir }).then(
      (handle) => handle.close(), // opened beside the holder: the bug under test
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(dataDir);
    expect(message).toContain(`pid ${holder.pid}`);
    expect(message).toContain('hold-database.ts');
    expect(message).toContain(lock?.startedAt);
    expect(message).toContain('Stop that process, or set DATABASE_URL');

    holder.child.stdin.end();
    const [code] = await once(holder.child, 'exit');
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, lockFileName))).toBe(false);

    const handle = await openDatabase({ dataDir });
    await handle.close();
  });

  it('refuses to open the same folder twice in one process', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const handle = await openDatabase({ dataDir });
    cleanups.push(() => handle.close());
    await expect(openDatabase({ dataDir })).rejects.toThrow(`in use by this process (pid ${process.pid})`);
  });

  it('takes over a lock left by a process that no longer exists, and removes it on close', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const deadPid = await pidOfExitedProcess();
    mkdirSync(dataDir, { recursive: true });
    const stale = { pid: deadPid, command: 'node old-server.ts', startedAt: '2020-01-01T00:00:00.000Z' };
    writeFileSync(join(dataDir, lockFileName), JSON.stringify(stale));

    const handle = await openDatabase({ dataDir });
    expect(readLock(dataDir)?.pid).toBe(process.pid);
    await handle.close();
    expect(existsSync(join(dataDir, lockFileName))).toBe(false);
  });

  it('takes over a lock bearing our own pid that this process never took (a restarted container)', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    mkdirSync(dataDir, { recursive: true });
    const earlierLife = { pid: process.pid, command: 'node server.ts', startedAt: '2020-01-01T00:00:00.000Z' };
    writeFileSync(join(dataDir, lockFileName), JSON.stringify(earlierLife));

    const handle = await openDatabase({ dataDir });
    expect(readLock(dataDir)?.startedAt).not.toBe(earlierLife.startedAt);
    await handle.close();
  });

  it('stops with a clear message on a lock file it cannot read', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, lockFileName), 'not json');
    await expect(openDatabase({ dataDir })).rejects.toThrow(/cannot be read.*delete that file/);
  });

  it('releases the lock when opening fails', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    mkdirSync(dataDir, { recursive: true });
    // A data folder from a Postgres major version PGlite cannot read.
    writeFileSync(join(dataDir, 'PG_VERSION'), '11\n');
    await expect(openDatabase({ dataDir })).rejects.toThrow(`Could not open the embedded database in ${dataDir}`);
    expect(existsSync(join(dataDir, lockFileName))).toBe(false);
  });

  it('keeps data across close and reopen', async () => {
    const dataDir = join(tempFolder(), 'pglite');
    const first = await openDatabase({ dataDir });
    // Only the owner may read the database, whatever modes PGlite gave its files.
    expect(openToOthers(dataDir)).toEqual([]);
    const [saved] = await first.db.insert(members).values({ email: 'persist@example.com' }).returning();
    await first.close();

    const second = await openDatabase({ dataDir });
    cleanups.push(() => second.close());
    const found = await second.db.select().from(members).where(eq(members.email, 'persist@example.com'));
    expect(found.map((member) => member.id)).toEqual([saved?.id]);
  });

  it('shares one database between two copies of the client module in one process', async () => {
    // The default folder is <cwd>/data/pglite: run in a scratch project folder.
    const project = tempFolder();
    const env: NodeJS.ProcessEnv = { ...process.env, COTERIE_ROOT: root };
    delete env.DATABASE_URL;
    const child = spawn(nodeBin, [join(fixtures, 'shared-database.ts')], { cwd: project, env });
    cleanups.push(() => stopIfRunning(child));
    // Listen for exit before reading output: it may come before the pipes drain.
    const [[code], output, stderr] = await Promise.all([once(child, 'exit'), collect(child.stdout), collect(child.stderr)]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

    expect(JSON.parse(output)).toEqual({
      separateModuleCopies: true,
      sameDb: true,
      engine: 'pglite',
      lockedWhileOpen: true,
      lockedAfterClose: false,
      reopenedIsNew: true,
      lockedAfterReopenClosed: false,
    });
  });
});

/** Starts a process that holds `dataDir` and resolves once it reports the folder held. */
async function startHolder(dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(nodeBin, [join(fixtures, 'hold-database.ts'), dataDir], { cwd: root, env });
  cleanups.push(() => stopIfRunning(child));
  const stderr = collect(child.stderr);
  for await (const line of createInterface({ input: child.stdout })) {
    const ready = /^ready (\d+)$/.exec(line);
    if (ready) return { child, pid: Number(ready[1]) };
  }
  throw new Error(`The holding process exited before holding the folder:\n${await stderr}`);
}

function stopIfRunning(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The pid of a process that has already exited: a stale lock's owner. */
async function pidOfExitedProcess(): Promise<number> {
  const child = spawn(nodeBin, ['-e', '']);
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('could not start node');
  return child.pid;
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** Files and folders in `folder`, itself included, that its group or other users may read. */
function openToOthers(folder: string): string[] {
  return [folder, ...readdirSync(folder, { recursive: true, withFileTypes: true }).map((entry) => join(entry.parentPath, entry.name))].filter(
    (path) => (statSync(path).mode & 0o077) !== 0,
  );
}
