import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets (refresh tokens, API keys, invitations): a readable prefix plus 256 random bits.
 * Only the SHA-256 is stored; with that much entropy a slow hash adds nothing.
 */
export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `token` has the shape newOpaqueToken gives (checked before any lookup). */
export function looksLikeOpaqueToken(token: string, prefix: string): boolean {
  return token.length === prefix.length + 44 && token.startsWith(`${prefix}_`);
}
