import { createHash } from 'node:crypto';
import type { MatchInput } from '../../modelling';

/**
 * SHA-256 of the rows a model was trained on, in training order: id, score and the 1X2 odds
 * the models read. Same rows → same fingerprint, whatever order the database returned them in.
 */
export function trainingFingerprint(matches: readonly MatchInput[]): string {
  const hash = createHash('sha256');
  const prices = (p?: { home: number; draw: number; away: number }) =>
    p ? `${p.home}/${p.draw}/${p.away}` : '';
  const sorted = [...matches].sort(
    (a, b) => a.kickoff - b.kickoff || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const m of sorted) {
    hash.update(
      `${m.id},${m.homeGoals},${m.awayGoals},${prices(m.odds?.opening)},${prices(m.odds?.closing)}\n`,
    );
  }
  return hash.digest('hex');
}
