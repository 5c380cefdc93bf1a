/**
 * Finds db/migrations at run time. The Astro server bundle lives in dist/server, far
 * from db/, so the module's own location is only a last resort: the project root comes
 * from COTERIE_ROOT, or is the folder the process was started in.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function resolveMigrationsFolder(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string {
  const root = env.COTERIE_ROOT?.trim();
  // COTERIE_ROOT is an explicit promise: no guessing elsewhere if it is wrong.
  const candidates = root ? [join(resolve(root), 'db', 'migrations')] : [join(cwd, 'db', 'migrations'), besideThisModule()];
  const tried = [...new Set(candidates.filter((candidate) => candidate !== undefined))];
  const found = tried.find((folder) => existsSync(join(folder, 'meta', '_journal.json')));
  if (found !== undefined) return found;
  const hint = root
    ? 'Set COTERIE_ROOT to the Coterie project folder (the one holding db/migrations).'
    : 'Run Coterie from its project folder, or set COTERIE_ROOT to that folder.';
  throw new Error(`Cannot find the database migrations (meta/_journal.json) in: ${tried.join(', ')}. ${hint}`);
}

function besideThisModule(): string | undefined {
  try {
    return join(dirname(fileURLToPath(import.meta.url)), 'migrations');
  } catch {
    return undefined; // not loaded from a file: URL (say, a bundle evaluated from memory)
  }
}
