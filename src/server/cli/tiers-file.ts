/**
 * tiers.yaml read outside Astro, for the CLI: the same schema as the content collection,
 * and errors that name the file, the tier and the field.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { parse } from 'yaml';
import { tierSchema, type Tier } from '../../schemas/tier.ts';

/** The tiers in the file, in order; throws an Error whose message a person can act on. */
export function loadTiersFile(path: string): Tier[] {
  const shown = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    const why = missing ? 'is missing: copy the one from the demo community, or set COTERIE_CONTENT_DIR' : `cannot be read (${String(cause)})`;
    throw new Error(`${shown} ${why}.`, { cause });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (cause) {
    throw new Error(`${shown} is not valid YAML: ${(cause as Error).message.split('\n')[0]?.replace(/:$/, '')}`, { cause });
  }
  // An empty file is no tiers: a free-only community.
  if (raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`${shown} must be a YAML list of tiers ("- id: …" entries).`);

  const tiers: Tier[] = [];
  for (const [index, entry] of raw.entries()) {
    const parsed = tierSchema.safeParse(entry);
    const id = typeof entry === 'object' && entry !== null && 'id' in entry ? ` ("${String(entry.id)}")` : '';
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new Error(`${shown}: tier ${index + 1}${id}: ${field}${issue?.message ?? 'is not a valid tier'}`);
    }
    if (tiers.some((tier) => tier.id === parsed.data.id)) throw new Error(`${shown}: tier id "${parsed.data.id}" appears twice.`);
    tiers.push(parsed.data);
  }
  return tiers;
}

function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
