import { ProblemException } from '../common/problem/problem.exception';
import type { RetiredSecret } from './entities';

/**
 * Secrets rotated out that may sign alongside the current one: each adds a signature to every
 * delivery, so a receiver's header stays short and a run of rotations cannot grow it unbounded.
 */
export const MAX_SIGNING_PREVIOUS_SECRETS = 3;

/**
 * 409 for a rotation with an overlap while MAX_SIGNING_PREVIOUS_SECRETS earlier secrets still
 * sign: it says when the first of them stops (Retry-After too), and that an overlap of 0 is
 * allowed now. `stillSigning` is newest first.
 */
export function rotationLimitProblem(
  stillSigning: readonly RetiredSecret[],
  now: Date,
): ProblemException {
  const firstExpiry = stillSigning
    .map((retired) => retired.expiresAt)
    .reduce((earliest, expiresAt) =>
      Date.parse(expiresAt) < Date.parse(earliest) ? expiresAt : earliest,
    );
  const reason =
    `${stillSigning.length} earlier secrets still sign deliveries (at most ` +
    `${MAX_SIGNING_PREVIOUS_SECRETS}); rotate with an overlap again from ${firstExpiry}, ` +
    'when the first of them stops, or now with overlapSeconds 0';
  return new ProblemException(
    409,
    'webhook-secret-overlaps',
    'Too many secrets in their overlap',
    reason,
    [{ field: 'overlapSeconds', reason }],
    {
      'retry-after': String(
        Math.max(1, Math.ceil((Date.parse(firstExpiry) - now.getTime()) / 1000)),
      ),
    },
  );
}
