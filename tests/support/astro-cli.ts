import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Runs the Astro CLI with the Node running the tests (Astro needs a newer one than some machines have). */
export function runAstro(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    // Plain text: CI machines turn colours on, and escape codes split the words we look for.
    // NODE_ENV as a user's build has it: vitest sets it to "test", which Vite reads as a dev build.
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', NODE_ENV: 'production', ...env },
  });
  const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  return { status: result.status, output };
}
