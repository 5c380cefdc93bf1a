/**
 * The CLI relay's address card: `cli-relay.json` in the PGlite data folder, written by
 * the running server (mode 0600) and read by `coterie` when the server holds the folder.
 * In the data folder because whoever may read that folder may change the data anyway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonRecord } from '../../../db/json-record.ts';

export const relayFileName = 'cli-relay.json';

export interface RelayDescription {
  /** Where to POST commands, e.g. http://127.0.0.1:4321/api/cli. */
  url: string;
  /** Bearer token, fresh each time the server starts. */
  token: string;
  /** The server's pid: the card is only believed while that process holds the folder. */
  pid: number;
}

export function relayFilePath(dataDir: string): string {
  return join(dataDir, relayFileName);
}

/** The card in `dataDir`, or undefined when there is none or it is not one we wrote. */
export function readRelayFile(dataDir: string): RelayDescription | undefined {
  let text: string;
  try {
    text = readFileSync(relayFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  return parseRelayDescription(text);
}

export function parseRelayDescription(text: string): RelayDescription | undefined {
  const fields = parseJsonRecord(text);
  if (fields === undefined) return undefined;
  const { url, token, pid } = fields;
  if (typeof url !== 'string' || !URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) return undefined;
  if (typeof token !== 'string' || token === '') return undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { url, token, pid };
}
