import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader, signWebhook, verifyWebhook } from './signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"d1","event":"ping","createdAt":"2026-11-21T18:00:00.000Z","data":{}}';

  it('is sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"> keyed with the secret', () => {
    // Computed independently: the same recipe a receiver follows.
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1700000000, body)).toBe(`sha256=${expected}`);
    // A known vector, so a change of recipe cannot pass unnoticed.
    expect(signWebhook('key', 1, 'x')).toBe(
      `sha256=${createHmac('sha256', 'key').update('1.x').digest('hex')}`,
    );
  });

  it('verifies a genuine request within the tolerance', () => {
    const signature = signWebhook(secret, 1700000000, body);
    expect(
      verifyWebhook(secret, { signature, timestamp: '1700000000' }, body, 300, 1700000100),
    ).toBe(true);
  });

  it.each([
    ['another secret', { secret: 'whsec_other' }],
    ['a changed body', { body: body.replace('ping', 'pong') }],
    ['a changed timestamp', { timestamp: '1700000001' }],
    ['a stale timestamp', { now: 1700000000 + 301 }],
    ['no signature', { signature: '' }],
    ['a truncated signature', { signature: 'sha256=ab' }],
    ['no timestamp', { timestamp: undefined }],
  ])('refuses %s', (_case, change: Record<string, string | number | undefined>) => {
    const signature = signWebhook(secret, 1700000000, body);
    const input = { secret, body, timestamp: '1700000000', signature, now: 1700000000, ...change };
    expect(
      verifyWebhook(
        input.secret as string,
        {
          signature: input.signature as string,
          timestamp: input.timestamp as string | undefined,
        },
        input.body as string,
        300,
        input.now as number,
      ),
    ).toBe(false);
  });

  it('lists one signature per secret after a rotation; either secret verifies the request', () => {
    const header = signatureHeader([secret, 'whsec_previous'], 1700000000, body);
    expect(header).toBe(
      `${signWebhook(secret, 1700000000, body)},${signWebhook('whsec_previous', 1700000000, body)}`,
    );
    const check = (key: string) =>
      verifyWebhook(key, { signature: header, timestamp: '1700000000' }, body, 300, 1700000000);
    expect([check(secret), check('whsec_previous'), check('whsec_other')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('generates distinct, prefixed secrets with 256 bits of randomness', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_[\w-]{43}$/);
    expect(a).not.toBe(b);
  });
});
