import { describe, expect, it } from 'vitest';
import { judgeHolder, staleAfterMs, type LockHolder, type Observer } from '../../db/lock-verdict.ts';
import type { ProcessProbe } from '../../db/process-identity.ts';

const now = new Date('2026-06-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const host = { hostname: 'box', machineId: 'm1', bootId: 'b1' };
const here: Observer = { pid: 10, host, pidNamespace: 'pid:[1]', osLock: 'unknown', now };

const holder: LockHolder = {
  pid: 42,
  command: 'node scripts/start.ts',
  startedAt: ago(3_600_000),
  host,
  pidNamespace: 'pid:[1]',
  processStartTicks: 500,
  processStartedAt: ago(3_601_000),
  heartbeatAt: ago(5_000),
};

const running = (ticks?: number): (() => ProcessProbe) => () => ({
  running: true,
  start: ticks === undefined ? undefined : { ticks, at: ago(1000) },
});
const gone = (): ProcessProbe => ({ running: false });

describe('judging a lock holder', () => {
  it('believes a process on this machine that is the one named, however old its heartbeat', () => {
    expect(judgeHolder({ ...holder, heartbeatAt: ago(staleAfterMs * 10) }, here, running(500))).toEqual({ alive: true, seen: 'process' });
  });

  it('takes over from a pid that is gone or now another process, heartbeat or not', () => {
    expect(judgeHolder(holder, here, gone)).toMatchObject({ alive: false, reason: 'pid 42 no longer runs' });
    expect(judgeHolder(holder, here, running(501))).toMatchObject({ alive: false });
  });

  it('falls back on the heartbeat when the pid runs but its start cannot be read', () => {
    expect(judgeHolder(holder, here, running())).toEqual({ alive: true, seen: 'heartbeat' });
    expect(judgeHolder({ ...holder, heartbeatAt: ago(staleAfterMs + 1) }, here, running())).toMatchObject({ alive: false });
  });

  it('never looks up the pid of a holder on another host or in another pid namespace', () => {
    const noProbe = () => {
      throw new Error('probed a pid from elsewhere');
    };
    expect(judgeHolder({ ...holder, host: { ...host, bootId: 'b2' } }, here, noProbe)).toEqual({ alive: true, seen: 'heartbeat' });
    expect(judgeHolder({ ...holder, pidNamespace: 'pid:[2]' }, here, noProbe)).toEqual({ alive: true, seen: 'heartbeat' });
    // A heartbeat from a clock a little ahead is fresh, not unreadable.
    expect(judgeHolder({ ...holder, host: { hostname: 'other' }, heartbeatAt: ago(-30_000) }, here, noProbe)).toEqual({ alive: true, seen: 'heartbeat' });
    expect(judgeHolder({ ...holder, host: { hostname: 'other' }, heartbeatAt: ago(staleAfterMs + 1) }, here, noProbe)).toMatchObject({ alive: false });
  });

  it('trusts the flock: held means alive anywhere; free on this kernel means its holder is gone', () => {
    expect(judgeHolder(holder, { ...here, osLock: 'busy' }, gone)).toEqual({ alive: true, seen: 'os-lock' });
    const container = { ...holder, host: { hostname: 'c1', bootId: 'b1' }, pidNamespace: 'pid:[9]', osLock: true };
    expect(judgeHolder(container, { ...here, osLock: 'free' }, gone)).toMatchObject({ alive: false });
    // Without the flock on both sides, only the heartbeat can say.
    expect(judgeHolder({ ...container, osLock: undefined }, { ...here, osLock: 'free' }, gone)).toEqual({ alive: true, seen: 'heartbeat' });
    expect(judgeHolder({ ...container, host: { hostname: 'c1', bootId: 'b9' } }, { ...here, osLock: 'free' }, gone)).toEqual({ alive: true, seen: 'heartbeat' });
  });

  it('reads a lock file from before hosts were recorded as this machine', () => {
    const old: LockHolder = { pid: 42, command: 'node scripts/start.ts', startedAt: ago(60_000) };
    expect(judgeHolder(old, here, gone)).toMatchObject({ alive: false });
    expect(judgeHolder(old, here, running())).toEqual({ alive: true, seen: 'process' });
    expect(judgeHolder({ ...old, pid: here.pid }, here, running())).toMatchObject({ alive: false });
  });
});
