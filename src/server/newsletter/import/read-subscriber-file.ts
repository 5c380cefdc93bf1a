/**
 * The export file's text, or a sentence saying why it could not be read. The CLI (or the
 * server relaying for it) reads the path it is given; a relative one is read from the
 * process's own folder, so the command line makes paths absolute before relaying them.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export async function readSubscriberFile(path: string): Promise<{ ok: true; path: string; text: string } | { ok: false; message: string }> {
  const absolute = resolve(path);
  try {
    return { ok: true, path: absolute, text: await readFile(absolute, 'utf8') };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') return { ok: false, message: `${absolute} does not exist. Give the path of the CSV file the old platform exported.` };
    if (code === 'EISDIR') return { ok: false, message: `${absolute} is a folder. Give the path of the CSV file inside it.` };
    if (code === 'EACCES') return { ok: false, message: `${absolute} cannot be read: permission denied.` };
    throw new Error(`Reading ${absolute} failed`, { cause: error });
  }
}
