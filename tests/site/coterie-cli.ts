import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { RunningSite } from './site-server.ts';

const root = resolve(import.meta.dirname, '../..');

/**
 * Runs `coterie <args…>` as the creator would while `npm start` serves `site`: the CLI
 * finds the server holding the PGlite folder and sends the command through its relay.
 * Throws with the CLI's own words when it does not exit 0.
 */
export async function coterie(site: RunningSite, args: string[]): Promise<string> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(root, 'scripts/coterie.ts'), ...args], {
    cwd: root,
    env: { ...inherited, COTERIE_DATA_DIR: site.dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`coterie ${args.join(' ')} exited ${code}:\n${stderr}${stdout}`);
  return stdout;
}
