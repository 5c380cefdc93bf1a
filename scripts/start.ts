/**
 * `npm start`: build the site if its sources changed, open (and migrate) the database,
 * then serve, with security headers on every response and the owner CLI relayed. The database is opened here, before the server takes requests, so a
 * locked PGlite folder or an unreachable Postgres stops start-up with one clear line.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeDatabase, defaultDataDir, getDatabase, type DatabaseEngine } from '../db/client.ts';
import { pruneExpired } from '../src/server/auth/prune-expired.ts';
import { checkStripeEnvironment } from '../src/server/billing/stripe.ts';
import { graceDaysFrom } from '../src/server/billing/subscription-entitlement.ts';
import { startCliRelay } from '../src/server/cli/relay.ts';
import { stopNewsletterJob } from '../src/server/jobs/newsletter-job.ts';
import { requestsPerSecondFrom } from '../src/server/newsletter/send-pacing.ts';
import { stopNotificationEmailJob } from '../src/server/jobs/notification-email-job.ts';
import { feedAddressNotice, readBuiltFeedOrigin } from '../src/server/config/feed-address.ts';
import { hostWithoutSiteUrlProblem } from '../src/server/config/host-needs-site-url.ts';
import { runtimeSiteUrl } from '../src/server/config/site-url.ts';
import { recordListeningAddress } from '../src/server/http/listening-address.ts';
import { withSecurityHeaders } from '../src/server/http/serve-with-headers.ts';
import { mailStartupWarning } from '../src/server/mail/outbox-visibility.ts';
import { privateFolderWarnings } from '../src/server/config/private-folders.ts';
import { demoPaymentsRefusal, demoPaymentsWanted, startDemoPayments, type DemoPayments } from './demo-payments.ts';
import { buildIfStale } from './site-build.ts';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const contentDir = resolve(process.env.COTERIE_CONTENT_DIR ?? 'content');
const outDir = resolve(process.env.COTERIE_OUT_DIR ?? 'dist');

// COTERIE_NO_BUILD=1 serves what is in the out folder as it is (tests serve a build they made).
if (process.env.COTERIE_NO_BUILD !== '1' && !buildIfStale(root, contentDir, outDir)) process.exit(1);

// Owner-only from here on (the build above stays readable): the database, outbox and lock files.
process.umask(0o077);
process.env.PORT ??= '4321';
process.env.HOST ??= 'localhost';
const hostProblem = hostWithoutSiteUrlProblem(process.env);
if (hostProblem) {
  console.error(hostProblem);
  process.exit(1);
}

// COTERIE_DEMO_PAYMENTS=1: a stand-in Stripe on loopback, so a newcomer can walk the whole join flow.
let demoPayments: DemoPayments | undefined;
if (demoPaymentsWanted()) {
  const refusal = demoPaymentsRefusal();
  if (refusal) {
    console.error(refusal);
    process.exit(1);
  }
  demoPayments = await startDemoPayments(resolve(contentDir, 'tiers.yaml'));
}

let engine: DatabaseEngine;
try {
  ({ engine } = await getDatabase());
  console.log(engine === 'pglite' ? `Database: embedded PGlite in ${defaultDataDir()}` : 'Database: Postgres server from DATABASE_URL');
  runtimeSiteUrl(); // a malformed SITE_URL stops start-up here, with its own message
  graceDaysFrom(); // and so does a malformed BILLING_GRACE_DAYS
  requestsPerSecondFrom(); // and RESEND_REQUESTS_PER_SECOND
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
// Half-configured payments fail later, mid-checkout or silently at the webhook: stop now instead.
const stripeProblems = checkStripeEnvironment();
if (stripeProblems.length > 0) {
  for (const problem of stripeProblems) console.error(problem);
  console.error('Fix the Stripe settings above (or unset both for a free-only community) and run npm start again.');
  process.exit(1);
}
console.log(
  demoPayments
    ? 'Payments: demo (a stand-in for Stripe on this machine; no money is taken, and a restart forgets it)'
    : process.env.STRIPE_SECRET_KEY?.trim()
      ? 'Payments: Stripe'
      : 'Payments: not set up (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to sell tiers, or COTERIE_DEMO_PAYMENTS=1 to try the join flow)',
);
const mailWarning = mailStartupWarning();
if (mailWarning) console.warn(`Warning: ${mailWarning}`);
for (const warning of privateFolderWarnings()) console.warn(`Warning: ${warning}`);

// The adapter's handler serves static files and on-demand routes alike; wrapping it
// gives static pages the same security headers the middleware gives the rest.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const entry: { handler: RequestListener } = await import(pathToFileURL(resolve(outDir, 'server/entry.mjs')).href);
const server = createServer(withSecurityHeaders(entry.handler));
await new Promise<void>((listening, failed) => {
  server.once('error', failed);
  server.listen(Number(process.env.PORT), process.env.HOST, () => listening());
}).catch((error: unknown) => {
  console.error(`Could not listen on ${process.env.HOST}:${process.env.PORT}: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
const address = server.address() as AddressInfo;
// The dev outbox is served only while this is a loopback address (see outbox-visibility.ts).
recordListeningAddress(address);
const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
const listeningUrl = `http://${host}:${address.port}`;
// With PORT=0 the real port is known only now; links in emails must carry it.
const wildcard = address.address === '0.0.0.0' || address.address === '::';
process.env.SITE_URL ||= `http://${process.env.HOST === 'localhost' || wildcard ? 'localhost' : host}:${address.port}`;
console.log(`Coterie is listening on ${listeningUrl} (site address ${runtimeSiteUrl().href})`);
demoPayments?.connect(listeningUrl);
const feedNotice = feedAddressNotice(readBuiltFeedOrigin(resolve(outDir, 'client')), runtimeSiteUrl());
if (feedNotice) console.log(`Note: ${feedNotice}`);

// While this server holds the embedded database, owner commands go through it; on Postgres
// the digest commands still do, since only the server can compose a digest. The card lives
// in the data folder either way (created here when Postgres left it unused).
mkdirSync(defaultDataDir(), { recursive: true });
const relay = startCliRelay({ dataDir: defaultDataDir(), url: `${listeningUrl}/api/cli` });

// The background jobs (scheduled digests, notification emails) start with the first
// on-demand request; this one makes sure they run even on a site nobody visits.
fetch(`${listeningUrl}/api/health`).catch((error: unknown) => console.error('Starting the background jobs failed:', error));

// Spent sign-in links, ended sessions and old rate-limit windows: at start, then hourly.
const prune = () =>
  getDatabase()
    .then(({ db }) => pruneExpired(db, new Date()))
    .catch((error: unknown) => console.error('Pruning expired sign-in data failed:', error));
void prune();
const pruning = setInterval(prune, 60 * 60 * 1000);
pruning.unref();

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: closing the database…`);
  relay?.stop();
  clearInterval(pruning);
  stopNotificationEmailJob();
  stopNewsletterJob();
  server.closeAllConnections();
  server.close();
  await demoPayments?.close();
  // PGlite flushes its files on close; leaving without it can lose the last writes.
  await closeDatabase().catch((error: unknown) => console.error('Closing the database failed:', error));
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
