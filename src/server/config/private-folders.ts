/**
 * The folders holding what other accounts on the machine must not read — the database,
 * the outbox's sign-in links, the server secret. Coterie creates them owner-only, but a
 * folder made by an earlier version, or by hand, keeps its wider mode: start-up warns.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { defaultDataDir } from '../../../db/client.ts';
import { outboxDir } from '../mail/outbox.ts';

/** The folders this environment keeps private data in (whether or not they exist yet). */
export function privateFolders(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string[] {
  const database = defaultDataDir(cwd, env);
  const outbox = outboxDir(env, cwd);
  // ./data holds the secret beside the database; a configured folder's parent is the creator's own business.
  const dataRoot = env.COTERIE_DATA_DIR?.trim() ? [] : [dirname(database)];
  return [...dataRoot, database, outbox];
}

/** One line per existing folder that its group or other users may enter, with the fix. */
export function wideFolderWarnings(folders: readonly string[]): string[] {
  const existing = [...new Set(folders.map((folder) => resolve(folder)))].filter((folder) => modeOf(folder) !== undefined);
  const warnings: string[] = [];
  for (const folder of existing) {
    const mode = modeOf(folder) ?? 0;
    if ((mode & 0o077) === 0) continue;
    // Inside another of these folders: that one's privacy protects it, or that one's warning covers it.
    if (existing.some((other) => other !== folder && isInside(folder, other))) continue;
    warnings.push(
      `${folder} is open to other users of this machine (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), ` +
        `and it holds the database, sign-in emails or the server secret. Make it owner-only: chmod 700 ${shellWord(folder)}`,
    );
  }
  return warnings;
}

/** The warnings for this environment's folders, for start-up. */
export function privateFolderWarnings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string[] {
  return wideFolderWarnings(privateFolders(env, cwd));
}

function modeOf(folder: string): number | undefined {
  try {
    const stats = statSync(folder);
    return stats.isDirectory() ? stats.mode : undefined;
  } catch {
    return undefined;
  }
}

function isInside(folder: string, ancestor: string): boolean {
  const path = relative(ancestor, folder);
  return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}
