/**
 * Why a frozen ledger entry will never be scored. An entry is frozen only before its match's
 * stored kick-off, but the kick-off can move earlier after the fact (the source that reported
 * the fixture lists the result with an earlier time; a match brought forward is matched to its
 * old listing): a prediction served at or after the kick-off the match now has was not made
 * before it, and the track record holds pre-match predictions only.
 */
export type VoidReason = 'match-removed' | 'match-cancelled' | 'served-after-kickoff';

/** True when an entry served at `servedAt` was served at or after the match's kick-off. */
export function servedAfterKickoff(servedAt: Date | string, kickoffMs: number): boolean {
  return new Date(servedAt).getTime() >= kickoffMs;
}

/**
 * The VoidReason of ledger entry `e` given its match `m` (left-joined: null once the match is
 * removed as a duplicate merged into another team's), or null while it may still be scored.
 * The last case is `servedAfterKickoff` in SQL.
 */
export const VOID_REASON_SQL = `(case when m.id is null then 'match-removed'
  when m.status = 'cancelled' then 'match-cancelled'
  when m.kickoff <= e.served_at then 'served-after-kickoff' end)`;
