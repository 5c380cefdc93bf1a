/**
 * The CLI relay (see src/server/cli/relay.ts): while `npm start` holds the PGlite folder,
 * `coterie` posts its arguments here with the token from the folder's relay card.
 * Authenticated by that token alone, never by a session or a cookie.
 */
import type { APIRoute } from 'astro';
import { getDatabase } from '../../../db/client.ts';
import { answerRelayRequest } from '../../server/cli/relay-endpoint.ts';
import { currentRelayToken } from '../../server/cli/relay.ts';
import { runCommand } from '../../server/cli/run-command.ts';
import { getTiers } from '../../site/community.ts';
import { billingContext, stripeOrUndefined } from '../../site/billing-requests.ts';

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
      return runCommand(argv, { db, tiers, now: new Date(), billing });
    },
  });
