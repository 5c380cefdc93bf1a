/**
 * Runs one command and measures it: wall time, GNU time's peak RSS, and a sampled
 * peak of the whole process tree's RSS.
 *
 * Two memory figures because each misses something: GNU time (`%M`, from wait4) is exact
 * but reports only the largest single process in the tree, while Pagefind runs as its own
 * binary next to a still-live Astro process; the tree sum catches that overlap but is
 * sampled (every 100 ms) and counts shared pages once per process.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const GNU_TIME = '/usr/bin/time';
const SAMPLE_MS = 100;

export type Measurement = {
  wallSeconds: number;
  /** Largest single process's peak RSS in KiB (GNU time); null where GNU time is missing. */
  peakKiB: number | null;
  /** Peak of the summed RSS of the process and all its descendants, in KiB; null without /proc. */
  treePeakKiB: number | null;
  exitCode: number;
};

export type Command = { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv; logFile: string };

export async function measureCommand({ command, args, cwd, env, logFile }: Command): Promise<Measurement> {
  const useTime = existsSync(GNU_TIME);
  const timeFile = `${logFile}.time`;
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args];
  const log = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(file, argv, { cwd, env, stdio: ['ignore', log, log] });
  let treePeakKiB: number | null = existsSync('/proc/self/status') ? 0 : null;
  const sampler = setInterval(() => {
    if (treePeakKiB !== null && child.pid) treePeakKiB = Math.max(treePeakKiB, treeRssKiB(child.pid));
  }, SAMPLE_MS);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => {
    clearInterval(sampler);
    closeSync(log);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const peakKiB = useTime ? readGnuTimePeak(timeFile) : null;
  rmSync(timeFile, { force: true });
  return { wallSeconds, peakKiB, treePeakKiB, exitCode };
}

// GNU time writes "Command exited with non-zero status N" before the figure on failure.
function readGnuTimePeak(timeFile: string): number | null {
  if (!existsSync(timeFile)) return null;
  const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
  const figure = Number(lines.at(-1));
  return Number.isFinite(figure) ? figure : null;
}

/** Sum of VmRSS over `rootPid` and every descendant, from one scan of /proc. */
function treeRssKiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readProc(`/proc/${pid}/stat`);
    // The command name may contain spaces and parentheses; fields after the last ")" are fixed.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (Number.isInteger(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let total = 0;
  const queue = [rootPid];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    const match = readProc(`/proc/${pid}/status`)?.match(/^VmRSS:\s+(\d+) kB/m);
    total += match ? Number(match[1]) : 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

// Processes come and go between listing /proc and reading it; a vanished one counts as zero.
function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
