/** Figures and the side-by-side table of the discussions benchmark. */
import { availableParallelism } from 'node:os';
import type { DatabaseEngine } from '../db/client.ts';
import type { Pass } from './site-load.ts';

export type Figures = {
  requests: number;
  /** Requests answered with the expected status, per second of the pass's wall time. */
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Site server's CPU ÷ wall time: 100 % is one core kept busy. */
  serverCpu: number | null;
  /** The Postgres backends serving the site, the same way; null for PGlite (it is in the server's). */
  databaseCpu: number | null;
  /** Everything else the machine did meanwhile, the same way (other programs, Postgres's own workers, the kernel's share not charged to a process). */
  restCpu: number | null;
  /** This process's CPU ÷ wall time: the load generator. */
  clientCpu: number;
  /** Share of all cores busy (2 cores: 50 % is one). */
  machineCpu: number | null;
  /** Answers other than the expected status, e.g. { '500': 3 }. */
  unexpected: Record<string, number>;
};

export type Row = { engine: DatabaseEngine; name: string; concurrency: number; figures: Figures };

const engineNames: Record<DatabaseEngine, string> = { pglite: 'PGlite', postgres: 'Postgres' };

/** Nearest rank: the smallest latency with at least p % of requests at or under it. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function figuresOf(pass: Pass, expected: number): Figures {
  const sorted = [...pass.latencies].sort((a, b) => a - b);
  const good = pass.statuses[String(expected)] ?? 0;
  const unexpected = Object.fromEntries(Object.entries(pass.statuses).filter(([status]) => status !== String(expected)));
  const perWall = (ms: number | null) => (ms === null ? null : ms / pass.wallMs);
  const known = (pass.serverCpuMs ?? 0) + (pass.databaseCpuMs ?? 0) + pass.clientCpuMs;
  return {
    requests: pass.latencies.length,
    perSecond: good / (pass.wallMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    serverCpu: perWall(pass.serverCpuMs),
    databaseCpu: perWall(pass.databaseCpuMs),
    restCpu: pass.machineBusy === null || pass.serverCpuMs === null ? null : Math.max(0, pass.machineBusy * availableParallelism() - known / pass.wallMs),
    clientCpu: pass.clientCpuMs / pass.wallMs,
    machineCpu: pass.machineBusy,
    unexpected,
  };
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const share = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(0)} %`);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

export function formatTable(rows: readonly Row[]): string {
  const header = ['page / action', 'engine', 'in flight', 'requests', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'server CPU', 'Postgres CPU', 'load gen CPU', 'rest', 'other answers'];
  const lines = rows.map((row) => {
    const f = row.figures;
    const other = Object.entries(f.unexpected).map(([status, n]) => `${n}× ${status}`).join(', ') || '-';
    return [row.name, engineNames[row.engine], String(row.concurrency), String(f.requests), f.perSecond.toFixed(1), ms(f.p50), ms(f.p95), ms(f.p99), ms(f.max), share(f.serverCpu), row.engine === 'pglite' ? '-' : share(f.databaseCpu), share(f.clientCpu), share(f.restCpu), other];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)));
  const format = (cells: readonly string[]) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

/** Postgres ÷ PGlite for each page and mode measured on both. */
export function formatEngineRatios(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows.filter((r) => r.engine === 'postgres')) {
    const lite = rows.find((r) => r.engine === 'pglite' && r.name === row.name && r.concurrency === row.concurrency)?.figures;
    if (!lite) continue;
    lines.push(`  ${`${row.name} (${row.concurrency} in flight)`.padEnd(44)} req/s ${ratio(row.figures.perSecond, lite.perSecond)}, p50 ${ratio(row.figures.p50, lite.p50)}, p99 ${ratio(row.figures.p99, lite.p99)}`);
  }
  return lines;
}

export function roundFigures(figures: Figures): Figures {
  const round = (value: number) => Math.round(value * 100) / 100;
  const roundShare = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    ...figures,
    perSecond: round(figures.perSecond),
    p50: round(figures.p50),
    p95: round(figures.p95),
    p99: round(figures.p99),
    max: round(figures.max),
    serverCpu: roundShare(figures.serverCpu),
    databaseCpu: roundShare(figures.databaseCpu),
    restCpu: roundShare(figures.restCpu),
    clientCpu: Math.round(figures.clientCpu * 1000) / 1000,
    machineCpu: roundShare(figures.machineCpu),
  };
}

export { engineNames };
