import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { parse } from 'yaml';

/**
 * Loads a YAML list of entries with `id` fields, for optional settings files such as
 * `spaces.yaml`: a missing file is an empty list, not an error.
 */
export function yamlList(filePath: string): Loader {
  return {
    name: 'coterie-yaml-list',
    async load({ store, parseData, watcher, config }) {
      const entryPath = relative(fileURLToPath(config.root), filePath);
      const refresh = async () => {
        let raw: unknown;
        try {
          raw = parse(await readFile(filePath, 'utf8'));
        } catch (cause) {
          if ((cause as NodeJS.ErrnoException).code === 'ENOENT') raw = null;
          else throw new Error(`${entryPath} is not valid YAML: ${(cause as Error).message}`, { cause });
        }
        if (raw !== null && !Array.isArray(raw)) throw new Error(`${entryPath} must be a YAML list ("- id: …" entries).`);
        store.clear();
        const seen = new Set<string>();
        for (const [index, entry] of (raw ?? []).entries()) {
          const id = typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : '';
          if (!id) throw new Error(`${entryPath}: entry ${index + 1} needs an id.`);
          if (seen.has(id)) throw new Error(`${entryPath}: id "${id}" appears twice.`);
          seen.add(id);
          const data = await parseData({ id, data: { ...(entry as Record<string, unknown>), order: (entry as { order?: number }).order ?? index }, filePath: entryPath });
          store.set({ id, data, filePath: entryPath });
        }
      };
      await refresh();
      watcher?.add(filePath);
      watcher?.on('change', (changed) => {
        if (changed === filePath) void refresh();
      });
    },
  };
}
