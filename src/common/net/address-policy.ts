import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { withTimeout } from '../async/with-timeout';

/** A name that takes longer than this to resolve is refused (getaddrinfo has no time limit). */
const RESOLVE_TIMEOUT_MS = 5000;

/**
 * Outbound-request safety (SSRF): which IP addresses the service may connect to when a URL comes
 * from a user. Anything not globally routable (private, loopback, link-local, unique-local,
 * CGNAT, multicast, unspecified, documentation, reserved, and IPv6 forms that embed such an IPv4
 * address) is refused unless an operator allowed its network.
 */

/** A resolved address, as dns.lookup gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, like the HTTP client would use), every address. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/** IPv4 ranges that are not public, with why (RFC 6890 special-purpose registry). */
const IPV4_SPECIAL: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 ranges that are not public (those embedding IPv4 are handled before these). */
const IPV6_SPECIAL: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['::ffff:0:0:0', 96, 'IPv4-translated'],
  ['64:ff9b:1::', 48, 'NAT64 local-use'],
  ['100::', 64, 'discard-only'],
  ['2001::', 32, 'Teredo'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

function rangesList(ranges: Array<[string, number, string]>, type: 'ipv4' | 'ipv6') {
  return ranges.map(([network, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return { list, reason, type };
  });
}

const V4_RANGES = rangesList(IPV4_SPECIAL, 'ipv4');
const V6_RANGES = rangesList(IPV6_SPECIAL, 'ipv6');

/** The 16 bytes of an IPv6 address (zone id ignored); undefined when it is not one. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  const plain = address.replace(/^\[|\]$/g, '').split('%')[0];
  if (isIP(plain) !== 6) return undefined;
  let text = plain;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [
    ...headGroups,
    ...Array<string>(tail === undefined ? 0 : missing).fill('0'),
    ...tailGroups,
  ];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one a host would reach:
 * IPv4-mapped (::ffff:a.b.c.d), the NAT64 well-known prefix (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  if (!b) return undefined;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return undefined;
}

/**
 * Why an address is not public ("loopback", "private", ...), or undefined for a public one.
 * IPv6 forms embedding IPv4 are judged by their IPv4 address. A malformed address is refused.
 */
export function nonPublicReason(address: string): string | undefined {
  const plain = address.replace(/^\[|\]$/g, '').split('%')[0];
  const version = isIP(plain);
  if (version === 4) return V4_RANGES.find((r) => r.list.check(plain, 'ipv4'))?.reason;
  if (version !== 6) return 'not an IP address';
  const v4 = embeddedIpv4(plain);
  if (v4) {
    const reason = nonPublicReason(v4);
    return reason ? `${reason} (IPv4 ${v4} inside IPv6)` : undefined;
  }
  return V6_RANGES.find((r) => r.list.check(plain, 'ipv6'))?.reason;
}

/** Why a URL's host cannot be reached; `field` names the input for a problem+json answer. */
export class AddressRefused extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`${host}: ${reason}`);
  }
}

/**
 * Resolves hosts and decides whether the service may connect to them. `allowedNetworks` are CIDR
 * ranges (or single addresses) an operator allows anyway: on-premises receivers, local tests.
 */
export class AddressPolicy {
  private readonly allowed = new BlockList();

  constructor(
    allowedNetworks: string[],
    private readonly resolve: Resolver = systemResolver,
  ) {
    for (const entry of allowedNetworks) {
      const [address, prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.allowed.addAddress(address, type);
      else this.allowed.addSubnet(address, Number(prefix), type);
    }
  }

  /** Why this address may not be connected to, or undefined when it may. */
  refusal(address: string): string | undefined {
    const reason = nonPublicReason(address);
    if (!reason || this.isAllowed(address)) return undefined;
    return `${reason} address ${address} is not allowed`;
  }

  /**
   * Resolves `host` (a name or an IP literal) and returns the address to connect to. Every
   * address the name resolves to must be acceptable (a name with one private address among
   * public ones is refused: the client could be steered to it). Connect to the returned address
   * itself, so a second, rebinding DNS answer cannot swap it.
   */
  async check(host: string): Promise<ResolvedAddress> {
    return (await this.checkAll(host))[0];
  }

  /**
   * Like check, but every address of the name, in the resolver's order: all were checked, so a
   * client may fall back from one that does not answer to the next (as it would without pinning).
   */
  async checkAll(host: string): Promise<ResolvedAddress[]> {
    const literal = host.replace(/^\[|\]$/g, '');
    let addresses: ResolvedAddress[];
    if (isIP(literal) !== 0) {
      addresses = [{ address: literal, family: isIP(literal) === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await withTimeout(this.resolve(host), RESOLVE_TIMEOUT_MS);
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new AddressRefused(
          host,
          `does not resolve (${code ?? (error as Error).message ?? 'DNS error'})`,
        );
      }
      if (addresses.length === 0) throw new AddressRefused(host, 'does not resolve');
    }
    for (const { address } of addresses) {
      const refusal = this.refusal(address);
      if (refusal) throw new AddressRefused(host, refusal);
    }
    return addresses;
  }

  private isAllowed(address: string): boolean {
    const plain = address.replace(/^\[|\]$/g, '').split('%')[0];
    const v4 = isIP(plain) === 6 ? embeddedIpv4(plain) : undefined;
    if (v4 && this.allowed.check(v4, 'ipv4')) return true;
    return this.allowed.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  }
}
