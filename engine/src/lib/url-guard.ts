import dns from 'node:dns';
import type { LookupAddress, LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Webhooks must not become a way for a tenant admin to reach the engine's own network (cloud
 * metadata at 169.254.169.254, databases on 10/8, services on localhost). Two checks, because
 * either alone can be walked around:
 *
 * - `checkWebhookUrl` at save time (and again before each attempt) refuses URLs whose host is a
 *   non-public IP literal or a localhost name. It cannot judge other names: DNS may answer anything.
 * - `guardedLookup` at connect time resolves the name and refuses the connection if any answer is a
 *   non-public address, so a name pointing at 10.0.0.5, or re-pointed there after the save (DNS
 *   rebinding), never gets a socket. Node skips `lookup` for IP literals, which is why the first
 *   check runs again before each attempt.
 *
 * Only public unicast passes: anything ipaddr.js places in a special range is refused, so ranges it
 * learns later are refused too, not let through.
 */

/** The connect-time refusal; its `code` tells the delivery it is not a network failure to retry. */
export class WebhookAddressRefused extends Error {
  readonly code = 'ESSRF';
}

/** Why `url` may not be a webhook target, or undefined when it may. */
export function checkWebhookUrl(url: string, allowHosts: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `webhook URLs must use http or https, not ${parsed.protocol}`;
  }
  // Credentials in the URL would be stored and logged with it; the signature authenticates us.
  if (parsed.username || parsed.password) return 'webhook URLs must not carry a user name or password';
  // The WHATWG parser has already turned 2130706433, 0177.0.0.1 and 0x7f.0.0.1 into 127.0.0.1.
  const host = bareHost(parsed.hostname);
  if (isAllowed(host, allowHosts)) return undefined;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} names this machine${ALLOW_HINT}`;
  const literal = ipLiteral(parsed.hostname);
  const kind = literal && nonPublic(literal);
  return kind && `${host} is not a public address (${kind})${ALLOW_HINT}`;
}

/** The allow-list an operator sets for receivers on private networks: host names or IPs, comma-separated. */
export function allowHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.TESSERA_WEBHOOK_ALLOW_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
}

/** A resolver shaped like `dns.lookup` asked for every address; tests inject one. */
export type HostResolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for `http.request` and `net.connect` that resolves every address of the name and
 * refuses the connection when any of them is not public, unless the name is allow-listed.
 * Checking all of them, not only the one Node picks, leaves no address a retry could fall back to.
 */
export function guardedLookup(allowHosts: readonly string[], resolve: HostResolver = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (!isAllowed(bareHost(hostname), allowHosts)) {
        for (const { address } of addresses) {
          const kind = nonPublic(parseOrUndefined(address));
          const reason = kind && `${hostname} resolves to ${address}, not a public address (${kind})${ALLOW_HINT}`;
          if (reason) return callback(new WebhookAddressRefused(reason), []);
        }
      }
      // Node asks for all addresses when it races IPv4 against IPv6 (autoSelectFamily), one otherwise.
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

const ALLOW_HINT = '; webhooks go to public addresses unless the host is in TESSERA_WEBHOOK_ALLOW_HOSTS';

/** The address block RFC 4291 deprecated for IPv4-compatible addresses (::a.b.c.d); ipaddr.js calls it unicast. */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/** The kind of non-public address `address` is, or undefined for public unicast. */
function nonPublic(address: ipaddr.IPv4 | ipaddr.IPv6 | undefined): string | undefined {
  if (!address) return 'unrecognised';
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) {
    const inner = nonPublic(address.toIPv4Address());
    return inner && `IPv4-mapped ${inner}`;
  }
  const range = address.range();
  if (range !== 'unicast') return range;
  return address instanceof ipaddr.IPv6 && address.match(IPV4_COMPATIBLE) ? 'IPv4-compatible' : undefined;
}

/** The IP a URL's host names, if it is a literal: the WHATWG parser writes IPv4 as four decimals, IPv6 in brackets. */
function ipLiteral(hostname: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (hostname.startsWith('[')) return parseOrUndefined(hostname.slice(1, -1));
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? ipaddr.IPv4.parse(hostname) : undefined;
}

function parseOrUndefined(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return ipaddr.isValid(address) ? ipaddr.parse(address) : undefined;
}

/** Whether `host` is on the allow-list; IPs compare in one spelling, so `::1` matches `0:0:0:0:0:0:0:1`. */
function isAllowed(host: string, allowHosts: readonly string[]): boolean {
  const wanted = canonicalHost(host);
  return allowHosts.some((allowed) => canonicalHost(allowed) === wanted);
}

function canonicalHost(host: string): string {
  const bare = bareHost(host.trim().toLowerCase());
  return ipaddr.isValid(bare) ? ipaddr.parse(bare).toString() : bare;
}

/** A host without IPv6 brackets or the trailing dot of a fully qualified name (`localhost.`). */
function bareHost(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}
