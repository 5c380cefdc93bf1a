/**
 * Who a process is, beyond its pid: the machine it runs on (host name, machine id, boot
 * id), the pid namespace it sees, and when the kernel started it. A pid alone is reused
 * after a process exits and means nothing in another container or on another host.
 * Linux reports all of this under /proc; elsewhere the optional parts are left out.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface HostIdentity {
  hostname: string;
  /** /etc/machine-id: fixed for an installation (containers often have none or share the host's). */
  machineId?: string;
  /** /proc/sys/kernel/random/boot_id: new at each boot, and the same in every container on that kernel. */
  bootId?: string;
}

/** When the kernel started a process. */
export interface ProcessStart {
  /** /proc/<pid>/stat field 22: clock ticks since boot. Exact, so the one to compare. */
  ticks: number;
  /** The same as a time of day (ISO 8601, UTC), for people; approximate to the second. */
  at: string;
}

export type ProcessProbe =
  | { running: false }
  /** `start` is undefined where the kernel does not say (no /proc, or hidden from this user). */
  | { running: true; start: ProcessStart | undefined };

export function thisHost(): HostIdentity {
  return { hostname: hostname(), machineId: readLine('/etc/machine-id'), bootId: readLine('/proc/sys/kernel/random/boot_id') };
}

/** The pid namespace this process sees pids in, e.g. "pid:[4026531836]". */
export function thisPidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

export function processStart(pid: number): ProcessStart | undefined {
  const stat = readLine(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields?.[22 - 3]);
  if (!Number.isSafeInteger(ticks)) return undefined;
  const bootSeconds = Number(/^btime (\d+)$/m.exec(readLine('/proc/stat') ?? '')?.[1]);
  // USER_HZ, the unit of these ticks, is 100 on every Linux that runs Node.
  const at = Number.isFinite(bootSeconds) ? new Date((bootSeconds + ticks / 100) * 1000).toISOString() : '';
  return { ticks, at };
}

/** Whether `pid` runs in this pid namespace, and since when. */
export function probeProcess(pid: number): ProcessProbe {
  const start = processStart(pid);
  if (start !== undefined) return { running: true, start };
  try {
    process.kill(pid, 0); // signal 0 checks existence without signalling
    return { running: true, start: undefined };
  } catch (error) {
    // EPERM: it exists but belongs to another user (whose /proc entries may be hidden).
    return errorCode(error) === 'EPERM' ? { running: true, start: undefined } : { running: false };
  }
}

function readLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
