/**
 * Where a server's CPU went, from a V8 `.cpuprofile` (`node --cpu-prof`): each sample is
 * charged to the first frame, from the leaf up, that belongs to a known part (date
 * formatting, PGlite, the Postgres driver, drizzle, Astro's runtime, our pages), so time
 * in Node's own modules and native calls counts for whoever called them (a socket write
 * for the database driver, a response write for Astro). Only samples inside the given window
 * count: V8 stamps samples with the same monotonic clock as `process.hrtime`, so the
 * benchmark can pass the timed pass's start and end.
 */
import { readFileSync } from 'node:fs';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

export type Share = { part: string; ms: number; share: number };
export type ProfileSummary = { sampledMs: number; parts: Share[]; functions: Share[] };

// Order matters: the first part that claims a frame, walking up from the leaf, gets the sample.
const parts: [string, (frame: CallFrame) => boolean][] = [
  ['date formatting (new Intl.DateTimeFormat per call)', (f) => /^formatDate(Time)?$/.test(f.functionName)],
  ['PGlite (Postgres in WebAssembly, its wire protocol)', (f) => f.url.includes('@electric-sql/pglite') || f.url.startsWith('wasm:')],
  ['postgres-js (driver, socket writes to the server)', (f) => f.url.includes('node_modules/postgres/')],
  ['drizzle (query building, row mapping)', (f) => f.url.includes('drizzle-orm')],
  ['Astro runtime (rendering, routing)', (f) => /\/server\/(chunks\/sequence_|entry\.mjs)|node_modules\/astro\//.test(f.url)],
  ['our pages, components and code', (f) => f.url.includes('/server/chunks/') || f.url.includes('/server/pages/') || /\/work\/[^/]+\/(src|db)\//.test(f.url)],
];
// Node's own frames, charged to the caller; only when no known part called them do they count as Node's.
const nodeOwn = (frame: CallFrame) => frame.url === '' || frame.url.startsWith('node:');

export function summarizeProfile(file: string, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = partOf.get(id);
    if (known) return known;
    const leaf = nodes.get(id)?.callFrame;
    let part = 'other';
    if (leaf?.functionName === '(garbage collector)') part = 'garbage collection';
    else if (leaf?.functionName === '(idle)') part = 'idle';
    else if (leaf?.functionName === '(program)') part = 'V8 and native, unattributed';
    else {
      let sawNode = false;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = nodes.get(at)?.callFrame;
        if (!frame) break;
        if (nodeOwn(frame)) {
          sawNode ||= frame.url.startsWith('node:');
          continue;
        }
        part = parts.find(([, claims]) => claims(frame))?.[0] ?? 'other';
        break;
      }
      if (part === 'other' && sawNode) part = 'Node (HTTP, streams, timers) on its own';
    }
    partOf.set(id, part);
    return part;
  };

  const byPart = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let clock = profile.startTime;
  let sampled = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    clock += delta;
    if (window && (clock < window.fromUs || clock > window.toUs)) return;
    const part = classify(id);
    if (part === 'idle') return;
    sampled += delta;
    byPart.set(part, (byPart.get(part) ?? 0) + delta);
    const frame = nodes.get(id)?.callFrame;
    const name = `${frame?.functionName || '(anonymous)'} ${frame?.url.split('/').slice(-1)[0] ?? ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
  });
  const shares = (map: Map<string, number>) =>
    [...map].map(([part, us]) => ({ part, ms: us / 1000, share: sampled > 0 ? us / sampled : 0 })).sort((a, b) => b.ms - a.ms);
  return { sampledMs: sampled / 1000, parts: shares(byPart), functions: shares(byFunction).slice(0, 12) };
}
