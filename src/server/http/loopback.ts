/**
 * Whether an address or a HOST setting stays on this machine. Pure: literal addresses
 * only, no name lookups, so anything unusual counts as reaching other machines.
 */
import { isIPv4 } from 'node:net';

/** 127.0.0.0/8, ::1, and IPv4 loopback as a dual-stack socket reports it (::ffff:127.x.x.x). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** A HOST to listen on that accepts this machine only: `localhost` or a loopback address. */
export function isLoopbackHost(host: string): boolean {
  return host.trim().toLowerCase() === 'localhost' || isLoopbackAddress(host);
}
