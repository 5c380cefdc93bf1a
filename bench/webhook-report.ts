/** Turns webhook passes into figures, the side-by-side table and the one-line JSON record. */
import type { DatabaseEngine } from '../db/client.ts';
import type { Baseline, Pass } from './deliver-webhooks.ts';

export type Figures = {
  /** Deliveries (duplicates included) per second of wall time. */
  eventsPerSecond: number;
  /** This process's CPU time over wall time: 1 is one core kept busy. */
  cpuShare: number;
  /** Share of all cores busy, whoever used them (NaN without /proc): near 1 means the machine was the limit. */
  machineShare: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Median latency of first deliveries and of repeats of an event already delivered. */
  firstP50: number;
  repeatP50: number;
  /** Share of all delivery time that went to repeats. */
  repeatTimeShare: number;
  apiCallsPerDelivery: number;
  /** Milliseconds per bare `subscriptions.retrieve` against the fake, at the pass's concurrency (wall time ÷ calls). */
  fakeMsPerCall: number;
  /** The pass's API calls at the baseline's pace, as a share of the pass's wall time. */
  fakeShare: number;
};

export type Result = { run: number; engine: DatabaseEngine; concurrency: number; figures: Figures; outcomes: Record<string, number>; warnings: string[] };
export type Summary = { engine: DatabaseEngine; concurrency: number; runs: number; figures: Figures };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** Nearest rank: the smallest latency with at least p % of deliveries at or under it. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

export function figuresOf(pass: Pass, baseline: Baseline): Figures {
  const sorted = [...pass.latencies].sort((a, b) => a - b);
  const repeats = pass.latencies.filter((_, i) => pass.repeats[i]);
  const firsts = pass.latencies.filter((_, i) => !pass.repeats[i]);
  const msPerBaselineCall = baseline.wallMs / baseline.calls;
  return {
    eventsPerSecond: pass.latencies.length / (pass.wallMs / 1000),
    cpuShare: pass.cpuMs / pass.wallMs,
    machineShare: pass.machineBusy ?? NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    firstP50: median(firsts),
    repeatP50: median(repeats),
    repeatTimeShare: sum(repeats) / sum(pass.latencies),
    apiCallsPerDelivery: pass.apiCalls / pass.latencies.length,
    fakeMsPerCall: msPerBaselineCall,
    fakeShare: (pass.apiCalls * msPerBaselineCall) / pass.wallMs,
  };
}

/** Medians, figure by figure, over the runs of one engine at one concurrency. */
export function summarize(results: readonly Result[]): Summary[] {
  const groups = new Map<string, Result[]>();
  for (const result of results) {
    const key = `${result.engine}/${result.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((group) => {
    const [first] = group;
    if (!first) throw new Error('empty group');
    const keys = Object.keys(first.figures) as (keyof Figures)[];
    const figures = Object.fromEntries(keys.map((key) => [key, median(group.map((r) => r.figures[key]))])) as Figures;
    return { engine: first.engine, concurrency: first.concurrency, runs: group.length, figures };
  });
}

export const modeName = (concurrency: number) => (concurrency === 1 ? 'sequential' : `concurrency ${concurrency}`);
const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const pct = (value: number) => (Number.isNaN(value) ? 'n/a' : `${(value * 100).toFixed(0)} %`);

export function formatTable(results: readonly Result[], summaries: readonly Summary[]): string {
  const header = ['run', 'engine', 'mode', 'events/s', 'node CPU', 'machine CPU', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'first p50', 'repeat p50', 'repeat time', 'API calls/ev', 'fake ms/call', 'fake share'];
  const row = (run: string, engine: string, concurrency: number, f: Figures) => [
    run, engine, modeName(concurrency), f.eventsPerSecond.toFixed(0), pct(f.cpuShare), pct(f.machineShare), ms(f.p50), ms(f.p95), ms(f.p99), ms(f.max),
    ms(f.firstP50), ms(f.repeatP50), pct(f.repeatTimeShare), f.apiCallsPerDelivery.toFixed(2), ms(f.fakeMsPerCall), pct(f.fakeShare),
  ];
  const rows = results.map((r) => row(String(r.run), r.engine, r.concurrency, r.figures));
  if (summaries.some((s) => s.runs > 1)) rows.push(...summaries.map((s) => row('median', s.engine, s.concurrency, s.figures)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function roundFigures(figures: Figures): Figures {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, round(value, key.endsWith('Share') ? 3 : 2)])) as Figures;
}
