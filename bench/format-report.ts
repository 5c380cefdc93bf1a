/** Turns build results into the side-by-side table and the one-line JSON record. */
import type { BuildResult, Target } from './build-targets.ts';

export type Summary = {
  target: Target;
  runs: number;
  wallSeconds: number;
  postsPerSecond: number;
  staticPages: number;
  peakMiB: number | null;
  treePeakMiB: number | null;
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const toMiB = (kib: number | null): number | null => (kib === null ? null : kib / 1024);
const round = (value: number | null, digits: number): number | null =>
  value === null ? null : Number(value.toFixed(digits));
const cell = (value: number | null, digits: number): string => (value === null ? 'n/a' : value.toFixed(digits));

/** Medians over the successful runs of one target; null when every run failed. */
export function summarize(results: BuildResult[], target: Target, posts: number): Summary | null {
  const ok = results.filter((r) => r.target === target && r.exitCode === 0);
  if (ok.length === 0) return null;
  const nullableMedian = (values: (number | null)[]) =>
    values.every((v) => v !== null) ? median(values as number[]) : null;
  const wallSeconds = median(ok.map((r) => r.wallSeconds));
  return {
    target,
    runs: ok.length,
    wallSeconds,
    postsPerSecond: posts / wallSeconds,
    staticPages: median(ok.map((r) => r.staticPages)),
    peakMiB: toMiB(nullableMedian(ok.map((r) => r.peakKiB))),
    treePeakMiB: toMiB(nullableMedian(ok.map((r) => r.treePeakKiB))),
  };
}

export function ratio(coterie: number | null | undefined, plain: number | null | undefined): number | null {
  return coterie == null || plain == null || plain === 0 ? null : coterie / plain;
}

export function formatTable(results: BuildResult[], summaries: Summary[], posts: number): string {
  const header = ['run', 'build', 'wall s', 'posts/s', 'static pages', 'static posts', 'on-demand posts', 'peak MiB', 'tree MiB'];
  const rows = results.map((r) =>
    r.exitCode === 0
      ? [String(r.run), r.target, cell(r.wallSeconds, 1), cell(posts / r.wallSeconds, 1), String(r.staticPages),
          String(r.staticPosts), String(r.onDemandPosts), cell(toMiB(r.peakKiB), 0), cell(toMiB(r.treePeakKiB), 0)]
      : [String(r.run), r.target, cell(r.wallSeconds, 1), 'FAILED', `exit ${r.exitCode}`, '', '', cell(toMiB(r.peakKiB), 0), cell(toMiB(r.treePeakKiB), 0)],
  );
  if (summaries.some((s) => s.runs > 1)) {
    for (const s of summaries) {
      rows.push(['median', s.target, cell(s.wallSeconds, 1), cell(s.postsPerSecond, 1), String(s.staticPages), '', '', cell(s.peakMiB, 0), cell(s.treePeakMiB, 0)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function jsonRecord(fields: Record<string, unknown>, results: BuildResult[], summaries: Summary[]): string {
  const roundSummary = (s: Summary) => ({
    ...s,
    wallSeconds: round(s.wallSeconds, 2),
    postsPerSecond: round(s.postsPerSecond, 1),
    peakMiB: round(s.peakMiB, 0),
    treePeakMiB: round(s.treePeakMiB, 0),
  });
  return JSON.stringify({
    ...fields,
    results: results.map(({ logFile: _logFile, ...r }) => ({ ...r, wallSeconds: round(r.wallSeconds, 2) })),
    median: Object.fromEntries(summaries.map((s) => [s.target, roundSummary(s)])),
  });
}
