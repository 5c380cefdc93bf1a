/** site.yaml read outside Astro, for CLI commands that email or link: the content schema, errors naming the field. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { siteSchema, type Site } from '../../schemas/site.ts';

export function loadSiteFile(path: string): Site {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`${path} cannot be read as YAML: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  const parsed = siteSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') || 'site'}: ${issue?.message ?? 'is not valid'}`);
  }
  return parsed.data;
}
