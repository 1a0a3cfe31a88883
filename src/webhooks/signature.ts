import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-oracxpred-signature';
export const TIMESTAMP_HEADER = 'x-oracxpred-timestamp';
export const EVENT_HEADER = 'x-oracxpred-event';
export const DELIVERY_HEADER = 'x-oracxpred-delivery';

/** A new signing secret: 32 random bytes, prefixed so it is recognisable in secret scanners. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed with the secret's UTF-8 bytes. The
 * timestamp (Unix seconds, also sent as X-OracXPred-Timestamp) is signed with the body, so a
 * captured request cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The X-OracXPred-Signature value: one signature per secret, comma-separated. After a rotation
 * the secrets rotated out sign too until their overlap ends, so receivers can switch without a gap.
 */
export function signatureHeader(
  secrets: readonly string[],
  timestamp: number,
  body: string,
): string {
  return secrets.map((secret) => signWebhook(secret, timestamp, body)).join(',');
}

/**
 * What a receiver does (README, "Webhooks"): recompute the signature over the raw body, accept
 * it if any listed signature matches (compared in constant time), and refuse timestamps older
 * than the tolerance.
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  return headers.signature.split(',').some((listed) => {
    const given = Buffer.from(listed.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
