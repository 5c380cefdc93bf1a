/**
 * An exclusive lock on a PGlite data folder. PGlite is Postgres running inside one
 * process, with no server to arbitrate: two processes opening the same folder corrupt
 * it. So whoever opens the folder first writes a lock file, and everyone else gets an
 * error that names the holder and says what to do.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseJsonRecord } from './json-record.ts';

export const lockFileName = 'coterie.lock';

/** What the lock file holds: enough for a person to find and stop the holder. */
export interface LockHolder {
  pid: number;
  /** The holder's command line, truncated. */
  command: string;
  /** ISO 8601, UTC. */
  startedAt: string;
}

export interface DataLock {
  /** Absolute path of the lock file. */
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): void;
}

const maxCommandLength = 200;

/**
 * Takes the lock on `dataDir` (creating the folder if needed), or throws an Error
 * naming the live holder. A lock left by a process that no longer exists is taken over.
 */
export function acquireDataLock(dataDir: string): DataLock {
  const folder = resolve(dataDir);
  const path = join(folder, lockFileName);
  mkdirSync(folder, { recursive: true });
  const mine: LockHolder = {
    pid: process.pid,
    command: describeCommand(process.argv),
    startedAt: new Date().toISOString(),
  };

  // A few rounds, because each stale lock removed (or vanishing under us) means trying again.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // 'wx' creates the file only if it does not exist, atomically: exactly one process wins.
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      heldLocks().add(path);
      return { path, holder: mine, release: () => releaseLock(path, mine) };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') {
        throw new Error(`Could not create the database lock file ${path}.`, { cause: error });
      }
    }

    const text = readText(path);
    if (text === undefined) continue; // released between our create and our read
    const holder = parseLockHolder(text);
    if (holder === undefined) {
      throw new Error(
        `The database folder ${folder} has a lock file that cannot be read (${path}). ` +
          'If no Coterie process is using this folder, delete that file and try again.',
      );
    }
    if (isHolderAlive(holder, path)) throw new Error(describeHeldLock(folder, holder));
    // Stale: remove it only if unchanged since we judged it, so two processes taking
    // over at once do not delete each other's fresh lock.
    if (readText(path) === text) rmSync(path, { force: true });
  }
  throw new Error(`Could not take the database lock ${path}: other processes keep taking it. Try again.`);
}

/** Who holds the lock on `dataDir`, if anyone alive does (for CLI commands that must not open it). */
export function readDataLock(dataDir: string): LockHolder | undefined {
  const path = join(resolve(dataDir), lockFileName);
  const text = readText(path);
  const holder = text === undefined ? undefined : parseLockHolder(text);
  return holder !== undefined && isHolderAlive(holder, path) ? holder : undefined;
}

/** The error message for a folder held by a live process. Pure, for testing and reuse. */
export function describeHeldLock(folder: string, holder: LockHolder): string {
  const who = holder.pid === process.pid ? `this process (pid ${holder.pid})` : `another process (pid ${holder.pid})`;
  const fix =
    holder.pid === process.pid
      ? 'Share one instance through getDatabase() instead of opening the folder twice, or set DATABASE_URL to use a Postgres server.'
      : 'Stop that process, or set DATABASE_URL to use a Postgres server.';
  return (
    `The database folder ${folder} is in use by ${who}, running "${holder.command}" since ${holder.startedAt}. ` +
    `The embedded database (PGlite) allows only one process per data folder. ${fix}`
  );
}

/** Parses lock file text; undefined when it is not a lock we wrote. */
export function parseLockHolder(text: string): LockHolder | undefined {
  const fields = parseJsonRecord(text);
  if (fields === undefined) return undefined;
  const { pid, command, startedAt } = fields;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof command !== 'string' || typeof startedAt !== 'string') return undefined;
  return { pid, command, startedAt };
}

export function describeCommand(argv: readonly string[]): string {
  const command = argv.join(' ');
  return command.length > maxCommandLength ? `${command.slice(0, maxCommandLength - 1)}…` : command;
}

function releaseLock(path: string, mine: LockHolder): void {
  heldLocks().delete(path);
  const text = readText(path);
  const holder = text === undefined ? undefined : parseLockHolder(text);
  // Someone may have taken the folder over (say, after deleting our lock by hand): leave theirs alone.
  if (holder?.pid === mine.pid && holder.startedAt === mine.startedAt) rmSync(path, { force: true });
}

function isHolderAlive(holder: LockHolder, path: string): boolean {
  // Our own pid but not a lock we hold: left by an earlier process that had the same
  // pid, as when a container restarts and the server is pid 1 again.
  if (holder.pid === process.pid) return heldLocks().has(path);
  try {
    process.kill(holder.pid, 0); // signal 0 checks existence without signalling
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Lock paths this process holds, on globalThis because this module can be loaded
 * twice in one process (the start script and the Astro server bundle).
 */
function heldLocks(): Set<string> {
  const store = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  const slot = Symbol.for('coterie.dataLocks');
  return (store[slot] ??= new Set());
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
