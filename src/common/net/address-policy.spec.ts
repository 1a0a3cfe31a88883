import { AddressPolicy, AddressRefused, embeddedIpv4, nonPublicReason } from './address-policy';

describe('nonPublicReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.2.10', 'documentation'],
  ])('refuses IPv4 %s (%s)', (address, reason) => {
    expect(nonPublicReason(address)).toContain(reason);
  });

  it.each([
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['[::1]', 'loopback'],
  ])('refuses IPv6 %s (%s)', (address, reason) => {
    expect(nonPublicReason(address)).toContain(reason);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::', 'private'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated'],
  ])('judges IPv6 %s by the IPv4 address it embeds (%s)', (address, reason) => {
    expect(nonPublicReason(address)).toContain(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('accepts the public address %s', (address) => {
    expect(nonPublicReason(address)).toBeUndefined();
  });

  it('refuses what is not an IP address', () => {
    expect(nonPublicReason('example.org')).toBe('not an IP address');
    expect(nonPublicReason('999.1.1.1')).toBe('not an IP address');
  });

  it('extracts the IPv4 address of mapped, NAT64 and 6to4 forms only', () => {
    expect(embeddedIpv4('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(embeddedIpv4('64:ff9b::102:304')).toBe('1.2.3.4');
    expect(embeddedIpv4('2002:102:304::')).toBe('1.2.3.4');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
    expect(embeddedIpv4('1.2.3.4')).toBeUndefined();
  });
});

describe('AddressPolicy', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) => {
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({
      address,
      family: (address.includes(':') ? 6 : 4) as 4 | 6,
    }));
  };

  it('returns the checked address of a public name, to connect to exactly that one', async () => {
    const policy = new AddressPolicy([], resolver({ 'hooks.example.org': ['93.184.216.34'] }));
    await expect(policy.check('hooks.example.org')).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('returns every checked address of a name, in order, for a client to fall back on', async () => {
    const policy = new AddressPolicy(
      [],
      resolver({ 'hooks.example.org': ['2606:2800:220:1::1', '93.184.216.34', '93.184.216.35'] }),
    );
    await expect(policy.checkAll('hooks.example.org')).resolves.toEqual([
      { address: '2606:2800:220:1::1', family: 6 },
      { address: '93.184.216.34', family: 4 },
      { address: '93.184.216.35', family: 4 },
    ]);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const policy = new AddressPolicy(
      [],
      resolver({ 'mixed.example.org': ['93.184.216.34', '10.0.0.5'] }),
    );
    await expect(policy.check('mixed.example.org')).rejects.toThrow(
      'private address 10.0.0.5 is not allowed',
    );
  });

  it('refuses IP literals, bracketed IPv6 and mapped forms without asking DNS', async () => {
    const policy = new AddressPolicy([], () => Promise.reject(new Error('DNS must not be asked')));
    for (const host of [
      '127.0.0.1',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[fd00::1]',
      '169.254.169.254',
    ]) {
      await expect(policy.check(host)).rejects.toBeInstanceOf(AddressRefused);
    }
  });

  it('refuses a name that does not resolve', async () => {
    const policy = new AddressPolicy([], resolver({}));
    await expect(policy.check('nowhere.invalid')).rejects.toThrow('does not resolve (ENOTFOUND)');
  });

  it('lets allowed networks through, also in their IPv4-mapped form', async () => {
    const policy = new AddressPolicy(['127.0.0.0/8', 'fd00::/8'], resolver({}));
    await expect(policy.check('127.0.0.1')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(policy.check('[::ffff:127.0.0.1]')).resolves.toMatchObject({ family: 6 });
    await expect(policy.check('[fd00::7]')).resolves.toMatchObject({ address: 'fd00::7' });
    await expect(policy.check('10.0.0.1')).rejects.toThrow('private');
    await expect(policy.check('[::1]')).rejects.toThrow('loopback');
  });

  it('judges every lookup afresh: a name that turned private (DNS rebinding) is refused', async () => {
    const answers = [['93.184.216.34'], ['127.0.0.1']];
    const policy = new AddressPolicy([], async () =>
      answers.shift()!.map((address) => ({ address, family: 4 as const })),
    );
    await expect(policy.check('rebind.example.org')).resolves.toMatchObject({
      address: '93.184.216.34',
    });
    await expect(policy.check('rebind.example.org')).rejects.toThrow('loopback');
  });
});
