import { BlockList, isIP } from 'node:net';

/**
 * Which peers may tell us the client address (X-Forwarded-For): only the configured proxies.
 * Fastify asks `trusts(address, hop)` while walking the forwarded chain from the socket
 * outwards; the first untrusted hop is the client. The adapter is built before the
 * configuration is read, so the list is set afterwards, once (no per-request parsing).
 */
export class ProxyTrust {
  private list = new BlockList();
  private empty = true;

  configure(entries: string[]): void {
    const list = new BlockList();
    for (const entry of entries) {
      const [address, prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(prefix), type);
    }
    this.list = list;
    this.empty = entries.length === 0;
  }

  readonly trusts = (address: string): boolean => {
    if (this.empty) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && this.list.check(plain, type);
  };
}
