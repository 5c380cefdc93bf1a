/**
 * A kernel lock (flock) on `coterie.flock` in the data folder, held for as long as the
 * process lives. Unlike a pid it holds across containers sharing one volume on one
 * machine, and the kernel lets it go when the process dies, however it dies.
 *
 * Node has no flock call, so the util-linux (or BusyBox) `flock` command takes it on a
 * file descriptor this process opened and passes down: the lock belongs to the open
 * file, which outlives the command. Without `flock` (macOS, Windows, a slim image) this
 * reports `unavailable` and the lock file's identity and heartbeat carry on alone.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

/** Never deleted: a process holding the lock on a deleted file would hold it on nothing. */
export const osLockFileName = 'coterie.flock';

export type OsLock = { state: 'held'; release(): void } | { state: 'busy' } | { state: 'unavailable' };

/** Takes the lock on `folder`, or reports that someone holds it or that it cannot be had here. */
export function takeOsLock(folder: string): OsLock {
  let fd: number;
  try {
    fd = openSync(join(folder, osLockFileName), 'a', 0o600);
  } catch {
    return { state: 'unavailable' };
  }
  // A few tries: `coterie` checks the lock by taking it for an instant, and may be doing so now.
  let outcome = tryLock(fd);
  for (let attempt = 0; outcome === 'busy' && attempt < 4; attempt++) {
    pause(50);
    outcome = tryLock(fd);
  }
  if (outcome === 'held') {
    let released = false;
    return {
      state: 'held',
      release() {
        if (released) return;
        released = true;
        closeSync(fd);
      },
    };
  }
  closeSync(fd);
  return { state: outcome };
}

/** Whether some process holds the lock on `folder` now; `unknown` when that cannot be told. */
export function probeOsLock(folder: string): 'busy' | 'free' | 'unknown' {
  let fd: number;
  try {
    fd = openSync(join(folder, osLockFileName), 'r+'); // never creates: a reader leaves the folder as it is
  } catch {
    return 'unknown';
  }
  try {
    const outcome = tryLock(fd);
    return outcome === 'held' ? 'free' : outcome === 'busy' ? 'busy' : 'unknown';
  } finally {
    closeSync(fd); // lets go of the lock if we just took it
  }
}

function tryLock(fd: number): 'held' | 'busy' | 'unavailable' {
  const result = spawnSync('flock', ['-n', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd], timeout: 5000 });
  if (result.error !== undefined) return 'unavailable';
  // 1 is flock's "already locked"; anything else is a flock that does not work here.
  return result.status === 0 ? 'held' : result.status === 1 ? 'busy' : 'unavailable';
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
