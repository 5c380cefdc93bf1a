import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export type RunningSite = { url: string; stop: () => Promise<void> };

/** Serves a built site with its own standalone server on a free loopback port. */
export async function serveSite(siteDir: string): Promise<RunningSite> {
  const server: ChildProcess = spawn(join(root, 'node_modules/.bin/node'), [join(siteDir, 'server/entry.mjs')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`The site server exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        if (server.exitCode !== null) return done();
        server.once('exit', () => done());
        server.kill('SIGTERM');
      }),
  };
}
