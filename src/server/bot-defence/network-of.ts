/**
 * The network a connecting address belongs to, for limits that one client cannot dodge
 * by moving to the next address: an IPv4 /24, an IPv6 /64 (what one home or one server
 * is usually given). Loopback has no network: it is this machine, or a proxy on it in
 * front of every visitor at once.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function networkOf(address: string): string | undefined {
  const bare = address.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  const v4 = mapped ?? bare;
  if (isIPv4(v4)) {
    const [a, b, c] = v4.split('.');
    return a === '127' ? undefined : `${a}.${b}.${c}.0/24`;
  }
  if (isIPv6(bare)) {
    const groups = expandIPv6(bare);
    if (groups.every((group, index) => group === (index === 7 ? 1 : 0))) return undefined;
    return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
  }
  // Not an address (a test double, a socket path): counted on its own.
  return bare === '' ? undefined : bare;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` filled in. */
function expandIPv6(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? dottedToGroups(group) : [parseInt(group, 16)])));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** An embedded IPv4 tail (`::1.2.3.4`) as two groups. */
function dottedToGroups(dotted: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}
