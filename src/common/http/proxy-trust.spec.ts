import { ProxyTrust } from './proxy-trust';

describe('ProxyTrust', () => {
  it('trusts nobody until configured, and nobody with an empty list', () => {
    const trust = new ProxyTrust();
    expect(trust.trusts('127.0.0.1')).toBe(false);
    trust.configure([]);
    expect(trust.trusts('127.0.0.1')).toBe(false);
  });

  it('trusts the listed addresses and ranges only (IPv4, IPv4-mapped IPv6, IPv6)', () => {
    const trust = new ProxyTrust();
    trust.configure(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(trust.trusts('10.1.2.3')).toBe(true);
    expect(trust.trusts('::ffff:10.1.2.3')).toBe(true);
    expect(trust.trusts('192.168.1.7')).toBe(true);
    expect(trust.trusts('192.168.1.8')).toBe(false);
    expect(trust.trusts('fd12::1')).toBe(true);
    expect(trust.trusts('2001:db8::1')).toBe(false);
    expect(trust.trusts('not an address')).toBe(false);
  });
});
