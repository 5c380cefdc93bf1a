/**
 * The CLI relay (see src/server/cli/relay.ts): while `npm start` runs, `coterie` posts its
 * arguments here with the token from the data folder's relay card — for every command
 * while the server holds the PGlite folder, and for digest commands always, since only the
 * server can compose a digest. Authenticated by that token alone, never by a session or a cookie.
 */
import type { APIRoute } from 'astro';
import { getDatabase } from '../../../db/client.ts';
import { answerRelayRequest } from '../../server/cli/relay-endpoint.ts';
import { currentRelayToken } from '../../server/cli/relay.ts';
import { runCommand, type CommandContext } from '../../server/cli/run-command.ts';
import { runtimeSiteUrl } from '../../server/config/site-url.ts';
import { nudgeNewsletterJob } from '../../server/jobs/newsletter-job.ts';
import { getSite, getTiers } from '../../site/community.ts';
import { billingContext, stripeOrUndefined } from '../../site/billing-requests.ts';
import { composeDigestPlan, getNewsletterSettings } from '../../site/newsletter.ts';

export const prerender = false;

export const POST: APIRoute = ({ request }) =>
  answerRelayRequest(request, {
    token: currentRelayToken(),
    async run(argv) {
      const [{ db }, tiers] = await Promise.all([getDatabase(), getTiers()]);
      const billing = async () => {
        const stripe = stripeOrUndefined();
        return stripe ? billingContext(stripe) : undefined;
      };
      const digest: CommandContext['digest'] = async () => {
        const [settings, site] = await Promise.all([getNewsletterSettings(), getSite()]);
        return {
          compose: (now) => composeDigestPlan({ db, siteUrl: runtimeSiteUrl(), now }),
          tiers,
          timeZone: settings.schedule === 'off' ? 'UTC' : settings.schedule.timeZone,
          ownerEmail: site.ownerEmail,
          wake: nudgeNewsletterJob,
        };
      };
      return runCommand(argv, { db, tiers, now: new Date(), billing, digest });
    },
  });
