import { EntityRepository } from '@mikro-orm/postgresql';
import { containsPattern } from '../../common/db/like';
import type { Team } from '../entities';

/** Team queries and the merge of a duplicate team into the real one. */
export class TeamRepository extends EntityRepository<Team> {
  async search(
    term: string | undefined,
    normalisedTerm: string | undefined,
    offset: number,
    limit: number,
  ): Promise<{ items: Team[]; total: number }> {
    const qb = this.createQueryBuilder('t').where({ mergedIntoId: null });
    if (term) {
      qb.andWhere(
        `(t.name ilike ? or exists (select 1 from team_aliases a where a.team_id = t.id and (a.alias ilike ? or a.normalised_key like ?)))`,
        [containsPattern(term), containsPattern(term), containsPattern(normalisedTerm ?? term)],
      );
    }
    const total = await qb.clone().getCount();
    const items = await qb
      .orderBy({ name: 'asc', id: 'asc' })
      .offset(offset)
      .limit(limit)
      .getResultList();
    return { items, total };
  }

  /** How many matches these two teams played against each other, either way round. */
  async meetings(teamId: number, otherTeamId: number): Promise<number> {
    const [{ n }] = await this.getEntityManager().execute<Array<{ n: string }>>(
      `select count(*) as n from matches
        where (home_team_id = ? and away_team_id = ?) or (home_team_id = ? and away_team_id = ?)`,
      [teamId, otherTeamId, otherTeamId, teamId],
    );
    return Number(n);
  }

  /**
   * Moves everything of `sourceId` onto `targetId`: aliases, and matches (a fixture both teams
   * have on the same day is the same match twice: its source keys, odds, odds movements and, where
   * the target's match has none, its result join the target's match and the duplicate is
   * removed). Returns how many matches moved, the duplicates removed, and the kept matches that
   * now have a final result from their duplicate.
   */
  async mergeTeams(
    sourceId: number,
    targetId: number,
  ): Promise<{ moved: number; removedMatchIds: number[]; finishedMatchIds: number[] }> {
    const em = this.getEntityManager();
    const run = (sql: string, params: unknown[]) =>
      em.execute(sql, params, 'run') as Promise<{ affectedRows: number }>;
    const duplicatePairs = `
      select d.id as duplicate_id, k.id as keep_id from matches d join matches k
        on k.match_date = d.match_date
       and (case when d.home_team_id = ? then ? else d.home_team_id end) = k.home_team_id
       and (case when d.away_team_id = ? then ? else d.away_team_id end) = k.away_team_id
       and k.id <> d.id
      where ? in (d.home_team_id, d.away_team_id)`;
    const pairParams = [sourceId, targetId, sourceId, targetId, sourceId];
    await run(
      `update match_source_refs r set match_id = p.keep_id from (${duplicatePairs}) p where r.match_id = p.duplicate_id`,
      pairParams,
    );
    await run(
      `insert into odds_snapshots (match_id, market, phase, bookmaker, prices, source, captured_at)
       select p.keep_id, o.market, o.phase, o.bookmaker, o.prices, o.source, o.captured_at
       from odds_snapshots o join (${duplicatePairs}) p on o.match_id = p.duplicate_id
       on conflict do nothing`,
      pairParams,
    );
    // The kept match may still be a fixture while the duplicate has the result: keep the result.
    const completed = await em.execute<Array<{ id: number; status: string }>>(
      `update matches k set
         status = case when k.home_goals is null then d.status else k.status end,
         home_goals = coalesce(k.home_goals, d.home_goals),
         away_goals = case when k.home_goals is null then d.away_goals else k.away_goals end,
         home_goals_half_time = coalesce(k.home_goals_half_time, d.home_goals_half_time),
         away_goals_half_time = case when k.home_goals_half_time is null
           then d.away_goals_half_time else k.away_goals_half_time end,
         -- The cancellation goes with the status it explains.
         cancelled_at = case when k.home_goals is null then d.cancelled_at else k.cancelled_at end,
         cancelled_by = case when k.home_goals is null then d.cancelled_by else k.cancelled_by end,
         cancel_reason = case when k.home_goals is null then d.cancel_reason else k.cancel_reason end,
         updated_at = now()
       from (${duplicatePairs}) p join matches d on d.id = p.duplicate_id
       where k.id = p.keep_id
         and ((k.home_goals is null and d.home_goals is not null)
           or (k.home_goals_half_time is null and d.home_goals_half_time is not null))
       returning k.id, k.status::text as status`,
      pairParams,
    );
    // The price history of a live source lives on the match it was seen on: keep it too.
    await run(
      `update odds_movements o set match_id = p.keep_id from (${duplicatePairs}) p where o.match_id = p.duplicate_id`,
      pairParams,
    );
    const removed = await em.execute<Array<{ id: number }>>(
      `delete from matches where id in (select duplicate_id from (${duplicatePairs}) p) returning id`,
      pairParams,
    );
    const movedHome = await run('update matches set home_team_id = ? where home_team_id = ?', [
      targetId,
      sourceId,
    ]);
    const movedAway = await run('update matches set away_team_id = ? where away_team_id = ?', [
      targetId,
      sourceId,
    ]);
    await run('update team_aliases set team_id = ? where team_id = ?', [targetId, sourceId]);
    // Teams merged into the source earlier now point at the target too: no chains to follow.
    await run('update teams set merged_into_id = ? where id = ? or merged_into_id = ?', [
      targetId,
      sourceId,
      sourceId,
    ]);
    return {
      moved: movedHome.affectedRows + movedAway.affectedRows,
      removedMatchIds: removed.map((m) => m.id),
      finishedMatchIds: completed.filter((m) => m.status === 'finished').map((m) => m.id),
    };
  }
}
