/**
 * The server side of the CLI relay. PGlite allows one process per data folder, so while
 * `npm start` holds it, `coterie` sends its arguments to the server instead of opening
 * the folder. The server proves nothing to the CLI; the CLI proves itself with the token
 * from the card only the folder's owner can read.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseRelayDescription, relayFilePath, type RelayDescription } from './relay-file.ts';

/** Where the endpoint finds the token: on globalThis, shared by the start script and the server bundle. */
export const cliRelayTokenSlot = Symbol.for('coterie.cliRelayToken');
const store = globalThis as unknown as Record<symbol, string | undefined>;

/** The token the running relay expects, or undefined when no relay was started in this process. */
export function currentRelayToken(): string | undefined {
  return store[cliRelayTokenSlot];
}

/**
 * Writes `cli-relay.json` in `dataDir` with a fresh token and this process's pid, and
 * publishes the token to the endpoint. Call once the server listens on `url`.
 */
export function startCliRelay({ dataDir, url }: { dataDir: string; url: string }): { token: string; stop(): void } {
  const token = randomBytes(32).toString('base64url');
  const card: RelayDescription = { url, token, pid: process.pid };
  const path = relayFilePath(dataDir);
  // A new file renamed into place: writeFile's mode applies only when it creates the file,
  // so rewriting a card an older server left behind could keep that file's looser mode.
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(card)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
  store[cliRelayTokenSlot] = token;

  let stopped = false;
  return {
    token,
    stop() {
      if (stopped) return;
      stopped = true;
      if (store[cliRelayTokenSlot] === token) store[cliRelayTokenSlot] = undefined;
      // Another server may own the folder (and the card) by now: remove only our own.
      if (readCardToken(path) === token) rmSync(path, { force: true });
    },
  };
}

/** True when the Authorization header is `Bearer <token>`. */
export function checkRelayToken(header: string | null, token: string): boolean {
  const presented = /^Bearer ([^\s]+)$/i.exec(header?.trim() ?? '')?.[1];
  if (presented === undefined || token === '') return false;
  // Equal-length digests for timingSafeEqual: neither the token nor its length leaks through timing.
  return timingSafeEqual(sha256(presented), sha256(token));
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function readCardToken(path: string): string | undefined {
  try {
    return parseRelayDescription(readFileSync(path, 'utf8'))?.token;
  } catch {
    return undefined;
  }
}
