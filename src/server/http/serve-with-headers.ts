import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { limitRequestBodies } from './limit-request-bodies.ts';
import { securityHeaders } from './security-headers.ts';

/**
 * Wraps the adapter's standalone handler so that every response carries the security
 * headers, including files its static handler serves from dist/client, which never pass
 * through Astro's middleware. `setHeader` replaces, so a middleware setting the same
 * headers on an on-demand page does not duplicate them. Request bodies over their limit
 * are refused here too, before the adapter reads them (limit-request-bodies.ts).
 */
export function withSecurityHeaders(handler: (req: IncomingMessage, res: ServerResponse) => void): RequestListener {
  const headers = Object.entries(securityHeaders());
  const limited = limitRequestBodies(handler);
  return (req, res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    limited(req, res);
  };
}
