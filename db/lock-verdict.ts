/**
 * Whether the process a lock file names still holds the folder. Pure: the caller
 * gathers the facts. A lock is taken over only when its holder is provably gone; when
 * this process cannot see the holder (another host, another container's pids), only
 * the heartbeat — or, on the same kernel, the flock — can prove that.
 */
import type { HostIdentity, ProcessProbe } from './process-identity.ts';

/** What the lock file holds: enough to tell the holder from any other process, and for a person to find it. */
export interface LockHolder {
  pid: number;
  /** The holder's command line, truncated. */
  command: string;
  /** When it took the lock. ISO 8601, UTC. */
  startedAt: string;
  /** Absent in lock files from before hosts were recorded: those were always this machine's. */
  host?: HostIdentity;
  pidNamespace?: string;
  /** The holder process's start, as the kernel counts it (ticks since boot) and as a time of day. */
  processStartTicks?: number;
  processStartedAt?: string;
  /** Refreshed while the lock is held. ISO 8601, UTC. */
  heartbeatAt?: string;
  /** True when the holder also holds the flock on the folder. */
  osLock?: boolean;
}

/** A heartbeat is written this often while a lock is held… */
export const heartbeatIntervalMs = 10_000;
/** …and a lock whose heartbeat is older than this is dead, wherever its holder ran. */
export const staleAfterMs = 2 * 60_000;

export interface Observer {
  pid: number;
  host: HostIdentity;
  pidNamespace: string | undefined;
  /** The flock on the folder: `free` when this process just took it, `busy` when someone holds it. */
  osLock: 'free' | 'busy' | 'unknown';
  now: Date;
}

export type Verdict =
  /** `seen`: how we know. `process`: the pid runs here and is that process; the others are named after their proof. */
  | { alive: true; seen: 'process' | 'os-lock' | 'heartbeat' }
  | { alive: false; reason: string };

/** `probe` looks the holder's pid up in this process's pid namespace; called only when that means something. */
export function judgeHolder(holder: LockHolder, here: Observer, probe: (pid: number) => ProcessProbe): Verdict {
  if (here.osLock === 'busy') return { alive: true, seen: 'os-lock' };
  const sameKernel = holder.host?.bootId !== undefined && holder.host.bootId === here.host.bootId;
  if (holder.osLock === true && sameKernel && here.osLock === 'free') {
    return { alive: false, reason: 'it held the flock on the folder, and nothing on this machine holds that now' };
  }

  // A lock file without a host comes from before hosts were recorded, when only this machine's processes wrote one.
  const samePids = holder.host === undefined || (sameHost(holder.host, here.host) && holder.pidNamespace === here.pidNamespace);
  if (samePids) {
    // Our own pid, in a lock this process does not hold (the caller checks that first):
    // an earlier process had this pid, as when a container restarts and the server is pid 1 again.
    if (holder.pid === here.pid) return { alive: false, reason: `it was left by an earlier process with this pid (${holder.pid})` };
    const found = probe(holder.pid);
    if (!found.running) return { alive: false, reason: `pid ${holder.pid} no longer runs` };
    if (found.start !== undefined) {
      const reused = `pid ${holder.pid} now belongs to another process, started ${found.start.at}`;
      if (holder.processStartTicks !== undefined) {
        return found.start.ticks === holder.processStartTicks ? { alive: true, seen: 'process' } : { alive: false, reason: reused };
      }
      // An older lock file without the start: a process started after the lock was taken cannot be its holder.
      const lockTaken = Date.parse(holder.startedAt);
      if (Number.isFinite(lockTaken) && Date.parse(found.start.at) > lockTaken + 60_000) return { alive: false, reason: reused };
    }
    // Running, but this process cannot tell whether it is the holder: the heartbeat decides, if there is one.
    if (holder.heartbeatAt === undefined) return { alive: true, seen: 'process' };
  }

  const beat = Date.parse(holder.heartbeatAt ?? holder.startedAt);
  // An unreadable or future heartbeat (clocks a little apart) counts as fresh: never guess a holder dead.
  if (Number.isFinite(beat) && here.now.getTime() - beat > staleAfterMs) {
    return { alive: false, reason: `its last heartbeat was at ${new Date(beat).toISOString()}, more than ${staleAfterMs / 60_000} minutes ago` };
  }
  return { alive: true, seen: 'heartbeat' };
}

/** Same machine and same boot: every field both sides know must agree. */
export function sameHost(a: HostIdentity, b: HostIdentity): boolean {
  const agree = (x: string | undefined, y: string | undefined) => x === undefined || y === undefined || x === y;
  return a.hostname === b.hostname && agree(a.machineId, b.machineId) && agree(a.bootId, b.bootId);
}

/** One phrase a person can find the holder with: pid, command, host, and when it started. */
export function describeHolder(holder: LockHolder): string {
  const host = holder.host === undefined ? '' : ` on host ${holder.host.hostname}`;
  const started = holder.processStartedAt ? `, started ${holder.processStartedAt}` : '';
  const beat = holder.heartbeatAt ? `, last heartbeat ${holder.heartbeatAt}` : '';
  return `pid ${holder.pid} ("${holder.command}")${host}${started}, holding the folder since ${holder.startedAt}${beat}`;
}
