/**
 * PGlite sets its own file modes — the database it unpacks on first start comes out
 * 0666 whatever the process umask — so after opening a folder we take group and other
 * permissions off everything in it. The folder itself is created 0700, which already
 * keeps other accounts out; this keeps the files private if it is ever moved or widened.
 */
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function restrictToOwner(folder: string): void {
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    try {
      const { mode } = lstatSync(path);
      if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
    } catch {
      // Gone meanwhile (PGlite's own temporary files), or not ours to change: the folder's mode still guards it.
    }
  }
}
