import { createHash } from 'node:crypto';

/**
 * Sticky A/B assignment: the same caller always lands on the same side of the split, and
 * roughly `challengerShare` of callers see the challenger.
 */
export function servesChallenger(callerKey: string, challengerShare: number): boolean {
  if (challengerShare <= 0) return false;
  if (challengerShare >= 1) return true;
  const bucket = createHash('sha256').update(callerKey).digest().readUInt32BE(0) / 2 ** 32;
  return bucket < challengerShare;
}
