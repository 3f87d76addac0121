import { lookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

// IANA's global unicast space. Everything else in IPv6 is special: IPv4-compatible (::/96),
// NAT64 (64:ff9b::/96, 64:ff9b:1::/48), discard (100::/64), site-local (fec0::/10), unique-local,
// link-local, multicast and the ranges IANA keeps reserved.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/**
 * Whether a notification may connect to `address` (an IP in Node's notation): only globally
 * routable unicast. ipaddr.js classifies everything else (loopback, private, link-local,
 * carrier-grade NAT, multicast, broadcast, reserved, benchmarking, documentation, 6to4, Teredo,
 * ORCHID, …). It is parsed, not process()ed: an IPv4-mapped address (::ffff:a.b.c.d) is refused
 * outright rather than judged by the IPv4 it carries, like every other IPv6 form embedding IPv4.
 */
export function isPublicAddress(address: string): boolean {
  if (!isIP(address)) return false;
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && !ip.match(GLOBAL_UNICAST_V6)) return false;
  return ip.range() === "unicast";
}

/** Not globally routable unicast (kept by that name for callers that ask the question this way). */
export function isPrivateAddress(address: string): boolean {
  return !isPublicAddress(address);
}

/** The host of a URL as connections see it: IPv6 literals lose their brackets, names their final dot. */
function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

/**
 * A notification URL's problem, or null. Only http(s); no private hosts unless allowed (checked
 * again on every connection by privateAwareLookup, which also catches DNS names). `new URL()`
 * already rewrites odd IPv4 forms (2130706433, 0x7f.1, 127.1) as dotted quads.
 */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "config.url is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "config.url must be http or https";
  if (!allowPrivate && isRefusedHost(urlHost(url))) return "config.url points to a loopback or private network address";
  return null;
}

/** Names that always mean this machine, and IP literals that are not public. */
function isRefusedHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return isIP(host) !== 0 && !isPublicAddress(host);
}

/**
 * The refusal for a URL whose host is an IP literal that is not public, or null. Connections to
 * literals skip DNS, so privateAwareLookup never sees them: the notifier asks this first.
 */
export function literalAddressProblem(raw: string): string | null {
  const host = urlHost(new URL(raw));
  return isIP(host) !== 0 && !isPublicAddress(host) ? `refused: ${host} is a private or reserved address` : null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup that refuses names resolving to any non-public address, so no notification reaches
 * the internal network. The connection then uses exactly the addresses checked here.
 */
export function privateAwareLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, options, ((error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
    if (error) return callback(error, address, family);
    const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
    const refused = addresses.find((a) => !isPublicAddress(a));
    if (refused !== undefined) {
      const refusal = new Error(`refused: ${hostname} resolves to private or reserved address ${refused}`);
      return callback(Object.assign(refusal, { code: "EPRIVATE" }), address, family);
    }
    callback(null, address, family);
  }) as never);
}
