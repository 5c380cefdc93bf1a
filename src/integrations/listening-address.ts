import type { AstroIntegration } from 'astro';
import { recordListeningAddress } from '../server/http/listening-address.ts';

/**
 * Records where `astro dev` listens, as scripts/start.ts does for `npm start`, so the dev
 * outbox (served only on loopback) and the cross-site check know the server's address.
 */
export default function listeningAddressIntegration(): AstroIntegration {
  return {
    name: 'coterie-listening-address',
    hooks: {
      'astro:server:start': ({ address }) => recordListeningAddress(address),
    },
  };
}
