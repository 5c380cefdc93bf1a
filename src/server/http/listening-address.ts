/**
 * The address and port this process's HTTP server actually listens on, recorded once it
 * is listening (by scripts/start.ts, or by the dev server's integration hook).
 *
 * The start script and the server bundle each load their own copy of this module, so a
 * module variable would not be shared between them; globalThis is one per process, and
 * unlike an environment variable nobody outside the process can set it. Until it is
 * recorded, callers must treat the server as reachable from anywhere.
 */
export type ListeningAddress = { address: string; port: number };

const key = Symbol.for('coterie.listeningAddress');
const store = globalThis as { [key]?: ListeningAddress };

export function recordListeningAddress({ address, port }: ListeningAddress): void {
  store[key] = { address, port };
}

export function listeningAddress(): ListeningAddress | undefined {
  return store[key];
}
