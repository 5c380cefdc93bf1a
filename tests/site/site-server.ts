import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export type RunningSite = {
  /** The site's own address (what links in its emails point at). */
  url: string;
  /** Where this server's file outbox writes emails. */
  outboxDir: string;
  /** This server's PGlite folder (where the CLI finds its relay). */
  dataDir: string;
  /** The server's COTERIE_SECRET, for tests that stand in for pages it signed. */
  secret: string;
  /** Everything the server printed so far. */
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * Serves a built site the way `npm start` does (security headers, database, outbox),
 * on a free loopback port, with a database and outbox of its own.
 */
export async function serveSite(siteDir: string, env: Record<string, string> = {}): Promise<RunningSite> {
  const workDir = mkdtempSync(join(tmpdir(), 'coterie-site-'));
  const outboxDir = join(workDir, 'outbox');
  const dataDir = join(workDir, 'pglite');
  const secret = env.COTERIE_SECRET ?? randomBytes(32).toString('hex');
  const { SITE_URL: _ignored, DATABASE_URL: _alsoIgnored, RESEND_API_KEY: _andThis, ...inherited } = process.env;
  const server: ChildProcess = spawn(process.execPath, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      PORT: '0',
      NO_COLOR: '1',
      COTERIE_NO_BUILD: '1',
      COTERIE_OUT_DIR: siteDir,
      COTERIE_DATA_DIR: dataDir,
      COTERIE_OUTBOX_DIR: outboxDir,
      // The demo's weekly digest would otherwise go out whenever a run falls on its slot.
      COTERIE_SCHEDULED_DIGESTS: 'off',
      COTERIE_SECRET: secret,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/\S+ \(site address (https?:\/\/[^\s)]+?)\/?\)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => {
      rmSync(workDir, { recursive: true, force: true });
      reject(new Error(`The site server exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    outboxDir,
    dataDir,
    secret,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        const finish = () => {
          rmSync(workDir, { recursive: true, force: true });
          done();
        };
        if (server.exitCode !== null) return finish();
        server.once('exit', finish);
        server.kill('SIGTERM');
      }),
  };
}
