import { createHash } from 'node:crypto';
import type { MatchInput } from '../../modelling';

/**
 * SHA-256 of the rows a model was trained on, in training order: id, score and the odds the
 * models read (1X2, and over/under 2.5 and both-teams-to-score prices when stored). Same rows → same fingerprint, whatever order the database returned them in.
 */
export function trainingFingerprint(matches: readonly MatchInput[]): string {
  const hash = createHash('sha256');
  const prices = (p?: { home: number; draw: number; away: number }) =>
    p ? `${p.home}/${p.draw}/${p.away}` : '';
  const sorted = [...matches].sort(
    (a, b) => a.kickoff - b.kickoff || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const goals = (m: MatchInput) => {
    const ou = m.odds?.ou25;
    const bt = m.odds?.btts;
    const overUnder = (p?: { over: number; under: number }) => (p ? `${p.over}/${p.under}` : '');
    const yesNo = (p?: { yes: number; no: number }) => (p ? `${p.yes}/${p.no}` : '');
    // Appended only when present, so rows without goal-market prices hash as they always did.
    return ou || bt
      ? `,${overUnder(ou?.opening)},${overUnder(ou?.closing)},${yesNo(bt?.opening)},${yesNo(bt?.closing)}`
      : '';
  };
  for (const m of sorted) {
    hash.update(
      `${m.id},${m.homeGoals},${m.awayGoals},${prices(m.odds?.opening)},${prices(m.odds?.closing)}${goals(m)}\n`,
    );
  }
  return hash.digest('hex');
}
