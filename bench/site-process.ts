/**
 * The real site for the discussions benchmark: built once with `astro build` into a work
 * folder, then served per engine by `scripts/start.ts`, as `npm start` serves it
 * (security headers, middleware, the database opened before the first request).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// The demo, not the creator's content/: the benchmark seeds its tiers and its field-notes space.
const demoDir = resolve(root, 'tests/fixtures/hedgerow');

/** Builds the demo community into `outDir` (inside the project: prerendering imports the server bundle). */
export function buildSite(outDir: string, cacheDir: string, logFile: string): void {
  const astro = resolve(root, 'node_modules/astro/bin/astro.mjs');
  const built = spawnSync(process.execPath, [astro, 'build'], {
    cwd: root,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', COTERIE_CONTENT_DIR: demoDir, COTERIE_OUT_DIR: outDir, COTERIE_CACHE_DIR: cacheDir, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  writeFileSync(logFile, `${built.stdout ?? ''}${built.stderr ?? ''}`);
  if (built.status !== 0) throw new Error(`Building the site failed (exit ${built.status}); its log is in ${logFile}.`);
}

export type SiteServer = {
  /** The site's own address, http://127.0.0.1:<port>. */
  url: string;
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
};

/** Starts `scripts/start.ts` on a free loopback port against the given database and outbox. */
export async function startSite(siteDir: string, env: Record<string, string>): Promise<SiteServer> {
  // The site under test gets only what we give it: no database, mail or Stripe settings from our shell.
  const { SITE_URL: _s, DATABASE_URL: _d, RESEND_API_KEY: _r, STRIPE_SECRET_KEY: _k, STRIPE_WEBHOOK_SECRET: _w, COTERIE_DATA_DIR: _c, ...inherited } = process.env;
  const server = spawn(process.execPath, [resolve(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...inherited, HOST: '127.0.0.1', PORT: '0', NO_COLOR: '1', COTERIE_NO_BUILD: '1', COTERIE_OUT_DIR: siteDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/\S+ \(site address (https?:\/\/[^\s)]+?)\/?\)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`The site server exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    pid: server.pid ?? 0,
    output: () => output,
    stop: async () => {
      if (server.exitCode === null) server.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc; null where there is none. */
export function processCpuMs(pid: number): number | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
