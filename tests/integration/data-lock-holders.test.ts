/**
 * Who the data-folder lock believes: a holder this process cannot see (another host,
 * another container's pids) is refused while its heartbeat is fresh; a lock naming an
 * unrelated live process, or one whose heartbeat stopped, is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acquireDataLock, lockFileName, parseLockHolder, readDataLock, type DataLock } from '../../db/data-lock.ts';
import { heartbeatIntervalMs, staleAfterMs, type LockHolder } from '../../db/lock-verdict.ts';
import { osLockFileName } from '../../db/os-file-lock.ts';
import { processStart, thisHost, thisPidNamespace } from '../../db/process-identity.ts';

const hasFlock = spawnSync('flock', ['--version']).error === undefined;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'coterie-lock-holders-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const folder = join(root, 'pglite');
  mkdirSync(folder);
  return folder;
}

function writeLock(folder: string, holder: LockHolder): string {
  const text = JSON.stringify(holder);
  writeFileSync(join(folder, lockFileName), text);
  return text;
}

function lockText(folder: string): string {
  return readFileSync(join(folder, lockFileName), 'utf8');
}

function take(folder: string): DataLock {
  const lock = acquireDataLock(folder);
  cleanups.push(() => lock.release());
  return lock;
}

/** The message acquiring the lock on `folder` is refused with. */
function refusal(folder: string): string {
  try {
    take(folder);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('the lock was taken');
}

const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

/** A pid that no process in this namespace has: its process has exited. */
function exitedPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not start node');
  return pid;
}

/** Another machine's server, as its lock file names it. */
function foreignHolder(pid: number, heartbeatAt: string): LockHolder {
  return {
    pid,
    command: 'node scripts/start.ts',
    startedAt: '2026-01-01T08:00:00.000Z',
    host: { hostname: 'other-box', machineId: 'f'.repeat(32), bootId: '00000000-0000-4000-8000-000000000000' },
    pidNamespace: 'pid:[4026531836]',
    processStartTicks: 123,
    processStartedAt: '2026-01-01T07:59:58.000Z',
    heartbeatAt,
  };
}

describe('a lock whose holder this process cannot see', () => {
  it('is refused while its heartbeat is fresh, naming host, pid and start time', () => {
    const folder = dataFolder();
    const holder = foreignHolder(exitedPid(), secondsAgo(5));
    const before = writeLock(folder, holder);

    const message = refusal(folder);
    expect(message).toContain(folder);
    expect(message).toContain(`pid ${holder.pid}`);
    expect(message).toContain('on host other-box');
    expect(message).toContain(`started ${holder.processStartedAt}`);
    expect(message).toContain('"node scripts/start.ts"');
    expect(message).toContain('Stop that process, or set DATABASE_URL');
    expect(message).toContain(`delete ${join(folder, lockFileName)}`);
    expect(lockText(folder)).toBe(before);
    // The CLI sees the same holder.
    expect(readDataLock(folder)?.pid).toBe(holder.pid);
  });

  it('is refused when it is this machine but another pid namespace (another container)', () => {
    const folder = dataFolder();
    const start = processStart(process.pid);
    const holder: LockHolder = {
      pid: exitedPid(),
      command: 'node scripts/start.ts',
      startedAt: secondsAgo(60),
      host: thisHost(),
      pidNamespace: 'pid:[1]',
      ...(start ? { processStartTicks: start.ticks, processStartedAt: start.at } : {}),
      heartbeatAt: secondsAgo(3),
    };
    const before = writeLock(folder, holder);
    expect(() => take(folder)).toThrow(`another process: pid ${holder.pid} ("node scripts/start.ts") on host ${thisHost().hostname}`);
    expect(lockText(folder)).toBe(before);
  });

  it('is taken over once its heartbeat is stale, even on another host', () => {
    const folder = dataFolder();
    // A pid that is alive here means nothing for a lock written on another host.
    writeLock(folder, foreignHolder(process.ppid, new Date(Date.now() - staleAfterMs - 60_000).toISOString()));
    expect(readDataLock(folder)).toBeUndefined();
    const lock = take(folder);
    expect(parseLockHolder(lockText(folder))).toEqual(lock.holder);
    expect(lock.holder.host).toEqual(thisHost());
  });

  it.skipIf(!hasFlock)('is taken over at once when it held the flock on this kernel and nothing holds it now (a restarted container)', () => {
    const folder = dataFolder();
    const holder: LockHolder = {
      pid: 1,
      command: 'node scripts/start.ts',
      startedAt: secondsAgo(30),
      host: { hostname: 'container-before-restart', bootId: thisHost().bootId },
      pidNamespace: 'pid:[1]',
      processStartTicks: 1,
      heartbeatAt: secondsAgo(2),
      osLock: true,
    };
    writeLock(folder, holder);
    const lock = take(folder);
    expect(lock.holder.pid).toBe(process.pid);
    expect(lock.holder.osLock).toBe(true);
  });
});

describe('a lock naming a live process that is not its holder', () => {
  it('is taken over when the pid now belongs to a process with another start time', () => {
    const folder = dataFolder();
    const parent = processStart(process.ppid);
    expect(parent).toBeDefined(); // this check needs Linux's /proc
    writeLock(folder, {
      pid: process.ppid,
      command: 'node scripts/start.ts',
      startedAt: secondsAgo(3600),
      host: thisHost(),
      ...(thisPidNamespace() ? { pidNamespace: thisPidNamespace() } : {}),
      processStartTicks: (parent?.ticks ?? 0) + 1,
      heartbeatAt: secondsAgo(1),
    });
    expect(readDataLock(folder)).toBeUndefined();
    expect(take(folder).holder.pid).toBe(process.pid);
  });

  it('is taken over when an older lock file names a process started after the lock was taken', () => {
    const folder = dataFolder();
    // The format from before hosts were recorded: pid, command, startedAt.
    writeLock(folder, { pid: process.ppid, command: 'node scripts/start.ts', startedAt: '2020-01-01T00:00:00.000Z' });
    expect(readDataLock(folder)).toBeUndefined();
    expect(take(folder).holder.pid).toBe(process.pid);
  });
});

describe('a lock this process holds', () => {
  it('names this process with its host, pid namespace and start, and is owner-only', () => {
    const folder = join(dataFolder(), 'fresh', 'pglite');
    const lock = take(folder);
    const written = parseLockHolder(lockText(folder));
    expect(written).toEqual(lock.holder);
    expect(written).toMatchObject({ pid: process.pid, host: thisHost(), processStartTicks: processStart(process.pid)?.ticks });
    expect(statSync(join(folder, lockFileName)).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, '..')).mode & 0o777).toBe(0o700);
    lock.release();
    expect(() => statSync(join(folder, lockFileName))).toThrow();
  });

  it('refreshes its heartbeat while held', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const folder = dataFolder();
    const lock = take(folder);
    const first = parseLockHolder(lockText(folder))?.heartbeatAt;
    vi.advanceTimersByTime(heartbeatIntervalMs);
    const second = parseLockHolder(lockText(folder))?.heartbeatAt;
    expect(Date.parse(second ?? '') - Date.parse(first ?? '')).toBe(heartbeatIntervalMs);
    expect(parseLockHolder(lockText(folder))?.startedAt).toBe(lock.holder.startedAt);
  });

  it.skipIf(!hasFlock)('is refused to a process that meets the flock held, whatever the lock file says', async () => {
    const folder = dataFolder();
    writeLock(folder, foreignHolder(exitedPid(), secondsAgo(3600)));
    const child = spawn('flock', [join(folder, osLockFileName), 'sh', '-c', 'echo held; exec cat']);
    cleanups.push(async () => {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    });
    for await (const line of createInterface({ input: child.stdout })) if (line === 'held') break;
    expect(() => take(folder)).toThrow(/holds the flock on the folder/);
    expect(readDataLock(folder)?.pid).toBeDefined();
    rmSync(join(folder, lockFileName));
    expect(() => take(folder)).toThrow(/holds the flock on it, though .* does not name it/);
    expect(existsSync(join(folder, lockFileName))).toBe(false);
  });
});
