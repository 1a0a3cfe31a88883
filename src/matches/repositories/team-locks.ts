/**
 * First key of the per-team advisory locks, pg_advisory_xact_lock[_shared](TEAM_LOCK, team id):
 * shared by the imports filing matches of a team, exclusive by a merge of it. PostgreSQL queues
 * these heavyweight locks in arrival order (a shared request waits behind an exclusive one
 * already waiting), where row locks let a later import's FOR KEY SHARE overtake a merge's
 * waiting FOR UPDATE: taken before the row locks, they keep a merge from being starved by a
 * stream of imports. Released at commit or rollback (or with the savepoint they were taken in).
 */
export const TEAM_LOCK = 7_243_903;

/**
 * One statement taking the shared locks of the teams in `$2` (int[]) in ascending id order, as
 * every taker of these locks does, so imports and merges never deadlock on them.
 */
export const SHARE_TEAMS_SQL = `select count(pg_advisory_xact_lock_shared($1, id))
  from (select distinct id from unnest($2::int[]) as id order by id) as ids`;

/** The exclusive lock of one team (a merge takes its two one at a time, in id order). */
export const LOCK_TEAM_EXCLUSIVE_SQL = 'select pg_advisory_xact_lock(?, ?)';
