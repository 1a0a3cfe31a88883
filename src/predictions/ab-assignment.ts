import { createHash } from 'node:crypto';

/**
 * Sticky A/B assignment, salted per challenger: for the lifetime of one challenger the same
 * caller always lands on the same side of the split, and roughly `challengerShare` of callers see
 * it. The challenger's version id is hashed with the caller key, so the next challenger promoted
 * draws its audience afresh: successive experiments are independent, and no caller is always the
 * one who carries the risk of an untested model.
 */
export function servesChallenger(
  challengerVersionId: string,
  callerKey: string,
  challengerShare: number,
): boolean {
  if (challengerShare <= 0) return false;
  if (challengerShare >= 1) return true;
  const bucket =
    createHash('sha256').update(`${challengerVersionId}\n${callerKey}`).digest().readUInt32BE(0) /
    2 ** 32;
  return bucket < challengerShare;
}
