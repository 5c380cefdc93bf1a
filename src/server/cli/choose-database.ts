/**
 * Where a `coterie` command runs. Pure: the entry script gathers the facts (env, the
 * folder's lock holder, the relay card) and does what this says.
 */
import { describeHolder, type LockHolder } from '../../../db/lock-verdict.ts';
import type { RelayDescription } from './relay-file.ts';

export type DatabaseChoice =
  /** DATABASE_URL: a Postgres server takes any number of clients, so open it directly. */
  | { kind: 'postgres'; url: string }
  /** Nobody holds the PGlite folder: open it here (which takes the lock). */
  | { kind: 'pglite'; dataDir: string }
  /** The running server holds the folder and relays commands. */
  | { kind: 'relay'; relay: RelayDescription }
  | { kind: 'refuse'; message: string };

export interface DatabaseFacts {
  databaseUrl: string | undefined;
  dataDir: string;
  holder: LockHolder | undefined;
  relay: RelayDescription | undefined;
}

export function chooseDatabase({ databaseUrl, dataDir, holder, relay }: DatabaseFacts): DatabaseChoice {
  const url = databaseUrl?.trim();
  if (url) return { kind: 'postgres', url };
  if (holder === undefined) return { kind: 'pglite', dataDir };
  // A card left by an earlier server (same folder, other pid) says nothing about this one.
  if (relay !== undefined && relay.pid === holder.pid) return { kind: 'relay', relay };
  return { kind: 'refuse', message: describeBusyFolder(dataDir, holder, 'it takes no CLI commands (only `npm start` relays them)') };
}

/** One line: who holds the folder, why we cannot go through it, and the three ways on. */
export function describeBusyFolder(dataDir: string, holder: LockHolder, why: string): string {
  return (
    `The database folder ${dataDir} is in use by ${describeHolder(holder)}, and ${why}. ` +
    'Stop that process and run the command again, or run it while `npm start` serves the site (the command then goes through the server), ' +
    'or set DATABASE_URL to use a Postgres server.'
  );
}

export type ServerChoice = { kind: 'relay'; relay: RelayDescription } | { kind: 'refuse'; message: string };

/**
 * Where a command only the running server can run goes (digests: it holds the posts):
 * always through its relay, whichever database it uses. `notRunning` is the command's
 * own words for "start the server first".
 */
export function chooseServer(facts: DatabaseFacts, notRunning: string): ServerChoice {
  const choice = chooseDatabase(facts);
  switch (choice.kind) {
    case 'relay':
    case 'refuse':
      return choice;
    case 'pglite':
      // A card with nobody holding the folder: a server on Postgres, or one that is gone.
      return { kind: 'refuse', message: facts.relay ? `${notRunning} (If it runs with DATABASE_URL, set DATABASE_URL for this command too.)` : notRunning };
    case 'postgres':
      if (!facts.relay) return { kind: 'refuse', message: notRunning };
      // The card's server holds the embedded folder: it works on another database than ours.
      if (facts.holder !== undefined && facts.relay.pid === facts.holder.pid) {
        return {
          kind: 'refuse',
          message: `The server running (pid ${facts.holder.pid}) uses the embedded database in ${facts.dataDir}, not DATABASE_URL. Run this command without DATABASE_URL, or start the site with it.`,
        };
      }
      return { kind: 'relay', relay: facts.relay };
  }
}
