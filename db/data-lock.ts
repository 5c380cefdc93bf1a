/**
 * An exclusive lock on a PGlite data folder. PGlite is Postgres running inside one
 * process, with no server to arbitrate: two processes opening the same folder corrupt
 * it. So whoever opens the folder first takes the flock on it (where `flock` exists)
 * and writes a lock file naming itself — host, pid, process start, command — with a
 * heartbeat it refreshes while it runs; everyone else gets an error that names the
 * holder and says what to do. A lock is taken over only when its holder is provably
 * gone (see lock-verdict.ts), so two containers on one volume, or two hosts on shared
 * storage, never both write the folder.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseJsonRecord } from './json-record.ts';
import { describeHolder, heartbeatIntervalMs, judgeHolder, staleAfterMs, type LockHolder, type Observer, type Verdict } from './lock-verdict.ts';
import { probeOsLock, takeOsLock } from './os-file-lock.ts';
import { probeProcess, processStart, thisHost, thisPidNamespace, type HostIdentity } from './process-identity.ts';

export type { LockHolder } from './lock-verdict.ts';

export const lockFileName = 'coterie.lock';

export interface DataLock {
  /** Absolute path of the lock file. */
  readonly path: string;
  readonly holder: LockHolder;
  /** Stops the heartbeat and removes the lock file if it is still ours. Safe to call more than once. */
  release(): void;
}

const maxCommandLength = 200;

/**
 * Takes the lock on `dataDir` (creating the folder, owner-only, if needed), or throws an
 * Error naming the live holder. A lock whose holder is provably gone is taken over.
 */
export function acquireDataLock(dataDir: string): DataLock {
  const folder = resolve(dataDir);
  const path = join(folder, lockFileName);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (heldLocks().has(path)) throw new Error(describeHeldLock(folder, readHolder(path) ?? describeSelf(false), { alive: true, seen: 'process' }));

  const osLock = takeOsLock(folder);
  try {
    const now = new Date();
    const mine: LockHolder = { ...describeSelf(osLock.state === 'held'), startedAt: now.toISOString(), heartbeatAt: now.toISOString() };
    if (osLock.state === 'busy') {
      const holder = readHolder(path);
      throw new Error(
        holder
          ? describeHeldLock(folder, holder, { alive: true, seen: 'os-lock' })
          : // The holder is mid-start, or its lock file was deleted by hand.
            `The database folder ${folder} is in use: a process on this machine (perhaps in another container) holds the flock on it, ` +
              `though ${path} does not name it. Stop the other Coterie process using this folder, or set DATABASE_URL to use a Postgres server.`,
      );
    }
    const here = observer(osLock.state === 'held' ? 'free' : 'unknown');

    // A few rounds, because each stale lock removed (or vanishing under us) means trying again.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        // 'wx' creates the file only if it does not exist, atomically: exactly one process wins.
        writeFileSync(path, serialize(mine), { flag: 'wx', mode: 0o600 });
        heldLocks().add(path);
        const heartbeat = startHeartbeat(path, mine);
        return {
          path,
          holder: mine,
          release() {
            clearInterval(heartbeat);
            releaseLock(path, mine);
            if (osLock.state === 'held') osLock.release();
          },
        };
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
      const verdict = judgeHolder(holder, here, probeProcess);
      if (verdict.alive) throw new Error(describeHeldLock(folder, holder, verdict));
      // Stale: remove it only if unchanged since we judged it, so two processes taking
      // over at once do not delete each other's fresh lock.
      if (readText(path) === text) rmSync(path, { force: true });
    }
    throw new Error(`Could not take the database lock ${path}: other processes keep taking it. Try again.`);
  } catch (error) {
    if (osLock.state === 'held') osLock.release();
    throw error;
  }
}

/**
 * Who holds the lock on `dataDir`, if anyone alive does, by the same rules as taking it
 * (for CLI commands that must not open a folder someone else has open).
 */
export function readDataLock(dataDir: string): LockHolder | undefined {
  const folder = resolve(dataDir);
  const path = join(folder, lockFileName);
  const holder = readHolder(path);
  if (holder === undefined) return undefined;
  if (heldLocks().has(path)) return holder;
  return judgeHolder(holder, observer(probeOsLock(folder)), probeProcess).alive ? holder : undefined;
}

/** The error message for a folder held by a live process. Pure, for testing and reuse. */
export function describeHeldLock(folder: string, holder: LockHolder, verdict: Verdict): string {
  const own = holder.pid === process.pid && verdict.alive && verdict.seen === 'process';
  const who = own ? `this process (pid ${holder.pid})` : `another process: ${describeHolder(holder)}`;
  const fix = own
    ? 'Share one instance through getDatabase() instead of opening the folder twice, or set DATABASE_URL to use a Postgres server.'
    : 'Stop that process, or set DATABASE_URL to use a Postgres server.';
  const unseen =
    verdict.alive && verdict.seen === 'heartbeat'
      ? ` It runs where this process cannot check on it (another machine or container). If it is gone, delete ${join(folder, lockFileName)}, ` +
        `or wait: the lock counts as stale ${staleAfterMs / 60_000} minutes after its last heartbeat.`
      : verdict.alive && verdict.seen === 'os-lock'
        ? ' A process on this machine (perhaps in another container) holds the flock on the folder.'
        : '';
  return `The database folder ${folder} is in use by ${who}. The embedded database (PGlite) allows only one process per data folder. ${fix}${unseen}`;
}

/** Parses lock file text; undefined when it is not a lock we wrote. */
export function parseLockHolder(text: string): LockHolder | undefined {
  const fields = parseJsonRecord(text);
  if (fields === undefined) return undefined;
  const { pid, command, startedAt } = fields;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof command !== 'string' || typeof startedAt !== 'string') return undefined;
  const holder: LockHolder = { pid, command, startedAt };
  const host = parseHost(fields.host);
  if (host) holder.host = host;
  if (typeof fields.pidNamespace === 'string') holder.pidNamespace = fields.pidNamespace;
  if (typeof fields.processStartTicks === 'number' && Number.isSafeInteger(fields.processStartTicks)) holder.processStartTicks = fields.processStartTicks;
  if (typeof fields.processStartedAt === 'string') holder.processStartedAt = fields.processStartedAt;
  if (typeof fields.heartbeatAt === 'string') holder.heartbeatAt = fields.heartbeatAt;
  if (fields.osLock === true) holder.osLock = true;
  return holder;
}

export function describeCommand(argv: readonly string[]): string {
  const command = argv.join(' ');
  return command.length > maxCommandLength ? `${command.slice(0, maxCommandLength - 1)}…` : command;
}

function parseHost(value: unknown): HostIdentity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { hostname, machineId, bootId } = value as Record<string, unknown>;
  if (typeof hostname !== 'string') return undefined;
  return {
    hostname,
    ...(typeof machineId === 'string' ? { machineId } : {}),
    ...(typeof bootId === 'string' ? { bootId } : {}),
  };
}

/** This process as a lock file names it (the lock and heartbeat times filled in by the caller). */
function describeSelf(osLock: boolean): LockHolder {
  const start = processStart(process.pid);
  const pidNamespace = thisPidNamespace();
  return {
    pid: process.pid,
    command: describeCommand(process.argv),
    startedAt: new Date().toISOString(),
    host: thisHost(),
    ...(pidNamespace ? { pidNamespace } : {}),
    ...(start ? { processStartTicks: start.ticks, processStartedAt: start.at } : {}),
    ...(osLock ? { osLock } : {}),
  };
}

function observer(osLock: Observer['osLock']): Observer {
  return { pid: process.pid, host: thisHost(), pidNamespace: thisPidNamespace(), osLock, now: new Date() };
}

function serialize(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

function isOurs(holder: LockHolder | undefined, mine: LockHolder): boolean {
  return holder?.pid === mine.pid && holder.startedAt === mine.startedAt && holder.host?.hostname === mine.host?.hostname;
}

/**
 * Rewrites the lock file with a fresh heartbeat every few seconds, so a process that
 * cannot see this one (another host or container) can still tell it is alive.
 */
function startHeartbeat(path: string, mine: LockHolder): NodeJS.Timeout {
  let complained = false;
  const timer = setInterval(() => {
    try {
      if (!isOurs(readHolder(path), mine)) {
        // Taken over (or deleted by hand): writing now would overwrite someone else's claim.
        clearInterval(timer);
        console.error(`The database lock ${path} no longer names this process (pid ${process.pid}). If another process now uses the folder, stop one of them.`);
        return;
      }
      mine.heartbeatAt = new Date().toISOString();
      // A new file renamed into place: a reader never sees half a lock.
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, serialize(mine), { mode: 0o600 });
      renameSync(temporary, path);
      complained = false;
    } catch (error) {
      if (!complained) console.error(`Could not refresh the heartbeat in the database lock ${path}:`, error);
      complained = true;
    }
  }, heartbeatIntervalMs);
  // The heartbeat alone must not keep a finished process alive.
  timer.unref();
  return timer;
}

function releaseLock(path: string, mine: LockHolder): void {
  heldLocks().delete(path);
  // Someone may have taken the folder over (say, after deleting our lock by hand): leave theirs alone.
  if (isOurs(readHolder(path), mine)) rmSync(path, { force: true });
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

function readHolder(path: string): LockHolder | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseLockHolder(text);
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
