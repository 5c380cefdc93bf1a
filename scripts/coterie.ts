/**
 * `coterie <area> <verb> …` (`npm run coterie -- …`): the creator's command line. Runs
 * against Postgres when DATABASE_URL is set; otherwise against the PGlite folder — in
 * this process when the folder is free, through the running server when `npm start`
 * holds it, and not at all when something else holds it (two processes corrupt PGlite).
 * `tiers` commands need Stripe, not the database, and always run here.
 */
import { resolve } from 'node:path';
import { defaultDataDir, openDatabase } from '../db/client.ts';
import { readDataLock } from '../db/data-lock.ts';
import { messageOf } from '../db/error-message.ts';
import type { CommandResult } from '../src/server/cli/command-result.ts';
import { chooseDatabase, describeBusyFolder } from '../src/server/cli/choose-database.ts';
import { sendToRelay } from '../src/server/cli/relay-client.ts';
import { readRelayFile } from '../src/server/cli/relay-file.ts';
import { executeCommand, parseCommand, type DatabaseCommand } from '../src/server/cli/run-command.ts';
import { runTiersCommand } from '../src/server/cli/tiers-command.ts';
import { loadTiersFile } from '../src/server/cli/tiers-file.ts';
import { createStripeClient } from '../src/server/billing/stripe.ts';
import { graceDaysFrom } from '../src/server/billing/subscription-entitlement.ts';
import { loadSiteFile } from '../src/server/cli/site-file.ts';
import { runtimeSiteUrl } from '../src/server/config/site-url.ts';
import { createMailer } from '../src/server/mail/mailer.ts';

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

  const dataDir = defaultDataDir();
  const holder = readDataLock(dataDir);
  const choice = chooseDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir,
    holder,
    relay: holder === undefined ? undefined : readRelayFile(dataDir),
  });
  switch (choice.kind) {
    case 'refuse':
      return { exitCode: 1, output: choice.message };
    case 'relay': {
      const outcome = await sendToRelay(choice.relay, argv);
      if (outcome.ok) return outcome.result;
      const why = `its CLI relay at ${choice.relay.url} ${outcome.reason === 'unreachable' ? `did not answer (${outcome.message})` : `refused: ${outcome.message}`}`;
      return { exitCode: 1, output: holder ? describeBusyFolder(dataDir, holder, why) : why };
    }
    case 'postgres':
      return runHere(parsed.command, { url: choice.url });
    case 'pglite':
      return runHere(parsed.command, { dataDir: choice.dataDir });
  }
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
