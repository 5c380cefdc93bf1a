import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { parse } from 'yaml';

/**
 * Loads one YAML file as a single entry with id `id` — for settings files such as
 * `site.yaml` that describe one thing rather than a list of things. With `optional`, a
 * missing file (say `newsletter.yaml`) is no entry rather than an error.
 */
export function yamlDocument(filePath: string, id: string, { optional = false } = {}): Loader {
  return {
    name: 'coterie-yaml-document',
    async load({ store, parseData, watcher, config }) {
      // Astro keys entries by a path relative to the project; errors then name the file.
      const entryPath = relative(fileURLToPath(config.root), filePath);
      const refresh = async () => {
        let raw: unknown;
        try {
          raw = parse(await readFile(filePath, 'utf8'));
        } catch (cause) {
          if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
            if (optional) {
              store.clear();
              return;
            }
            throw new Error(`${entryPath} is missing: every community needs one (see "Configuration" in the README).`, { cause });
          }
          throw new Error(`${entryPath} is not valid YAML: ${(cause as Error).message}`, { cause });
        }
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
          throw new Error(`${filePath} must hold a YAML mapping of settings (key: value lines).`);
        }
        const data = await parseData({ id, data: raw as Record<string, unknown>, filePath: entryPath });
        store.clear();
        store.set({ id, data, filePath: entryPath });
      };
      await refresh();
      watcher?.add(filePath);
      watcher?.on('change', (changed) => {
        if (changed === filePath) void refresh();
      });
    },
  };
}
