import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { parse } from 'yaml';

export interface YamlListOptions {
  /**
   * Checks the parsed entries as a whole (say, against another settings file) and returns
   * a message naming what is wrong, or undefined. `file` is the list's path as errors show it.
   */
  check?: (entries: readonly Record<string, unknown>[], file: string) => string | undefined;
  /** Other files the check reads: a change to one of them loads the list again. */
  dependsOn?: readonly string[];
}

/**
 * Loads a YAML list of entries with `id` fields, for optional settings files such as
 * `spaces.yaml`: a missing file is an empty list, not an error.
 */
export function yamlList(filePath: string, { check, dependsOn = [] }: YamlListOptions = {}): Loader {
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
        const parsed: { id: string; data: Record<string, unknown> }[] = [];
        for (const [index, entry] of (raw ?? []).entries()) {
          const id = typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : '';
          if (!id) throw new Error(`${entryPath}: entry ${index + 1} needs an id.`);
          if (parsed.some((seen) => seen.id === id)) throw new Error(`${entryPath}: id "${id}" appears twice.`);
          const data = await parseData({ id, data: { ...(entry as Record<string, unknown>), order: (entry as { order?: number }).order ?? index }, filePath: entryPath });
          parsed.push({ id, data });
        }
        const problem = check?.(parsed.map((entry) => entry.data), entryPath);
        if (problem) throw new Error(problem);
        store.clear();
        for (const { id, data } of parsed) store.set({ id, data, filePath: entryPath });
      };
      await refresh();
      for (const path of [filePath, ...dependsOn]) watcher?.add(path);
      watcher?.on('change', (changed) => {
        if (changed === filePath || dependsOn.includes(changed)) void refresh();
      });
    },
  };
}
