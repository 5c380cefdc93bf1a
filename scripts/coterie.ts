/**
 * `coterie <area> <verb> …` (`npm run coterie -- …`): the creator's command line. Runs
 * against Postgres when DATABASE_URL is set; otherwise against the PGlite folder — in
 * this process when the folder is free, through the running server when `npm start`
 * holds it, and not at all when something else holds it (two processes corrupt PGlite).
 * `tiers` commands need Stripe, not the database, and always run here; `digest` commands
 * need the server's posts, and always go through the running server.
 */
import { isAbsolute, resolve } from 'node:path';
import { defaultDataDir, openDatabase } from '../db/client.ts';
import { readDataLock } from '../db/data-lock.ts';
import { messageOf } from '../db/error-message.ts';
import type { CommandResult } from '../src/server/cli/command-result.ts';
import { chooseDatabase, chooseServer, describeBusyFolder, type DatabaseFacts } from '../src/server/cli/choose-database.ts';
import { digestNeedsServer } from '../src/server/cli/digest-command.ts';
import type { RelayDescription } from '../src/server/cli/relay-file.ts';
import { sendToRelay } from '../src/server/cli/relay-client.ts';
import { readRelayFile } from '../src/server/cli/relay-file.ts';
import { executeCommand, needsServer, parseCommand, type DatabaseCommand } from '../src/server/cli/run-command.ts';
import { runTiersCommand } from '../src/server/cli/tiers-command.ts';
import { loadTiersFile } from '../src/server/cli/tiers-file.ts';
import { createStripeClient } from '../src/server/billing/stripe.ts';
import { graceDaysFrom } from '../src/server/billing/subscription-entitlement.ts';
import { loadSiteFile } from '../src/server/cli/site-file.ts';
import { runtimeSiteUrl } from '../src/server/config/site-url.ts';
import { createMailer } from '../src/server/mail/mailer.ts';

// Files this command creates (a PGlite folder opened here, say) are the owner's alone.
process.umask(0o077);
// Where the caller was: npm runs scripts from the project root and keeps that in INIT_CWD.
const callerCwd = (process.env.npm_lifecycle_event && process.env.INIT_CWD) || process.cwd();
// Same folder as `npm start`, which also runs from the project root, whatever the caller's cwd.
process.chdir(resolve(import.meta.dirname, '..'));

try {
  finish(await run(process.argv.slice(2)));
} catch (error) {
  finish({ exitCode: 1, output: messageOf(error) });
}

async function run(argv: string[]): Promise<CommandResult> {
  // Help and usage errors are answered before any database is touched.
  const parsed = parseCommand(argv);
  if (!parsed.ok) return parsed.result;
  if (parsed.command.area === 'tiers') {
    return runTiersCommand(parsed.command.command, { tiers: loadTiers(), stripe: createStripeClient() });
  }
  const { args, command } = withCallerPaths(argv, parsed.command);

  const dataDir = defaultDataDir();
  const holder = readDataLock(dataDir);
  const facts: DatabaseFacts = { databaseUrl: process.env.DATABASE_URL, dataDir, holder, relay: readRelayFile(dataDir) };
  if (needsServer(command)) {
    const choice = chooseServer(facts, digestNeedsServer);
    return choice.kind === 'relay' ? relay(choice.relay, args, { dataDir, holder, notRunning: digestNeedsServer }) : { exitCode: 1, output: choice.message };
  }
  const choice = chooseDatabase(facts);
  switch (choice.kind) {
    case 'refuse':
      return { exitCode: 1, output: choice.message };
    case 'relay':
      return relay(choice.relay, args, { dataDir, holder });
    case 'postgres':
      return runHere(command, { url: choice.url });
    case 'pglite':
      return runHere(command, { dataDir: choice.dataDir });
  }
}

/**
 * The command with the file `members import` reads made absolute against the caller's
 * folder: this process now runs from the project root, and a relaying server from its own.
 */
function withCallerPaths(argv: string[], command: DatabaseCommand): { args: string[]; command: DatabaseCommand } {
  if (command.area !== 'members' || command.command.verb !== 'import') return { args: argv, command };
  const { file } = command.command;
  if (file === '' || isAbsolute(file)) return { args: argv, command };
  // A file named like an option can only have come after `--`.
  const after = file.startsWith('-') ? argv.indexOf('--') : 1;
  const at = argv.indexOf(file, after + 1);
  const absolute = resolve(callerCwd, file);
  return {
    args: argv.map((arg, index) => (index === at ? absolute : arg)),
    command: { area: 'members', command: { ...command.command, file: absolute } },
  };
}

async function relay(
  card: RelayDescription,
  args: string[],
  { dataDir, holder, notRunning }: { dataDir: string; holder: ReturnType<typeof readDataLock>; notRunning?: string },
): Promise<CommandResult> {
  const outcome = await sendToRelay(card, args);
  if (outcome.ok) return outcome.result;
  const answer = outcome.reason === 'unreachable' ? `did not answer (${outcome.message})` : `refused: ${outcome.message}`;
  if (holder) return { exitCode: 1, output: describeBusyFolder(dataDir, holder, `its CLI relay at ${card.url} ${answer}`) };
  // Nobody holds the folder (the server uses Postgres): a card nobody answers was left by a server that stopped.
  if (notRunning && outcome.reason === 'unreachable') return { exitCode: 1, output: `${notRunning} (The relay card in ${dataDir} names ${card.url}, which did not answer.)` };
  return { exitCode: 1, output: `The running server's CLI relay at ${card.url} ${answer}.` };
}

async function runHere(command: DatabaseCommand, where: { url: string } | { dataDir: string }): Promise<CommandResult> {
  const tiers = loadTiers();
  const handle = await openDatabase(where);
  try {
    const billing = async () => {
      const stripe = createStripeClient();
      if (!stripe) return undefined;
      const site = loadSiteFile(resolve(process.env.COTERIE_CONTENT_DIR ?? 'content', 'site.yaml'));
      return { db: handle.db, stripe, mailer: createMailer(), site, tiers, siteUrl: runtimeSiteUrl(), now: () => new Date(), graceDays: graceDaysFrom() };
    };
    return await executeCommand(command, { db: handle.db, tiers, now: new Date(), billing });
  } finally {
    // PGlite flushes on close and releases the folder for the server.
    await handle.close();
  }
}

function loadTiers() {
  return loadTiersFile(resolve(process.env.COTERIE_CONTENT_DIR ?? 'content', 'tiers.yaml'));
}

function finish({ exitCode, output }: CommandResult): void {
  if (output !== '') (exitCode === 0 ? process.stdout : process.stderr).write(`${output}\n`);
  process.exitCode = exitCode;
}
