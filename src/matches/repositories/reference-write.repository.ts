import type { PoolClient } from 'pg';
import { SHARE_TEAMS_SQL, TEAM_LOCK } from './team-locks';

export interface CompetitionInput {
  code: string;
  name: string;
  country: string | null;
}

/** Competitions, teams and aliases as ingestion writes them, in the caller's transaction. */
export class ReferenceWriteRepository {
  constructor(private readonly client: PoolClient) {}

  /** Returns code → id, creating the competitions that do not exist yet. */
  async ensureCompetitions(
    competitions: CompetitionInput[],
    now: Date,
  ): Promise<Map<string, number>> {
    const result = await this.client.query<{ id: number; code: string }>(
      `with input as (
         select * from unnest($1::text[], $2::text[], $3::text[]) as i(code, name, country)),
       created as (
         insert into competitions (code, name, country, created_at)
         select code, name, country, $4 from input
         on conflict (code) do nothing returning id, code)
       select id, code from created
       union all
       select c.id, c.code from competitions c join input i on i.code = c.code`,
      [
        competitions.map((c) => c.code),
        competitions.map((c) => c.name),
        competitions.map((c) => c.country),
        now,
      ],
    );
    return new Map(result.rows.map((row) => [row.code, row.id]));
  }

  /** Every alias key → the team it names (following merges). */
  async loadAliasIndex(): Promise<Map<string, number>> {
    const result = await this.client.query<{ normalised_key: string; team_id: number }>(
      'select normalised_key, team_id from team_aliases',
    );
    return new Map(result.rows.map((row) => [row.normalised_key, row.team_id]));
  }

  async createTeam(name: string, country: string | null, now: Date): Promise<number> {
    const result = await this.client.query<{ id: number }>(
      'insert into teams (name, country, created_at) values ($1, $2, $3) returning id',
      [name, country, now],
    );
    return result.rows[0].id;
  }

  async addAliases(
    aliases: Array<{ teamId: number; alias: string; key: string; origin: string }>,
    now: Date,
  ): Promise<void> {
    if (aliases.length === 0) return;
    await this.client.query(
      `insert into team_aliases (team_id, alias, normalised_key, origin, created_at)
       select * , $5::timestamptz from unnest($1::int[], $2::text[], $3::text[], $4::text[])
       on conflict (normalised_key) do nothing`,
      [
        aliases.map((a) => a.teamId),
        aliases.map((a) => a.alias),
        aliases.map((a) => a.key),
        aliases.map((a) => a.origin),
        now,
      ],
    );
  }

  /**
   * Holds these teams until the import commits and returns, for those a merge absorbed since
   * their names were resolved, the team that has their matches now. Each team is held twice:
   * its shared advisory lock (see TEAM_LOCK: one query for all the teams, queued fairly behind a
   * merge already waiting for them), then its row FOR KEY SHARE (what a match's foreign key
   * takes, and what a merge's FOR UPDATE waits for), read after the advisory locks so a merge
   * that committed meanwhile is seen. Both are taken in id order, as a merge takes its two;
   * where a team turns out merged, the round is undone (with its locks) and taken again over
   * the surviving teams, so no lock is ever taken out of order.
   */
  async lockTeams(teamIds: Iterable<number>): Promise<Map<number, number>> {
    const survivors = new Map<number, number>();
    let ids = [...new Set(teamIds)];
    for (;;) {
      await this.client.query('savepoint team_locks');
      await this.client.query(SHARE_TEAMS_SQL, [TEAM_LOCK, ids]);
      const result = await this.client.query<{ id: number; merged_into_id: number | null }>(
        `select id, merged_into_id from teams where id = any($1::int[])
         order by id for key share`,
        [ids],
      );
      const merged = result.rows.filter((row) => row.merged_into_id !== null);
      if (merged.length === 0) {
        await this.client.query('release savepoint team_locks');
        return survivors;
      }
      await this.client.query('rollback to savepoint team_locks; release savepoint team_locks');
      const into = new Map(merged.map((row) => [row.id, row.merged_into_id!]));
      for (const [from, to] of survivors) survivors.set(from, into.get(to) ?? to);
      for (const [from, to] of into) if (!survivors.has(from)) survivors.set(from, to);
      ids = [...new Set(ids.map((id) => into.get(id) ?? id))];
    }
  }

  /** Teams that already have a match in the competition: candidates for an unknown name. */
  async teamsOfCompetition(competitionId: number): Promise<Array<{ id: number; name: string }>> {
    const result = await this.client.query<{ id: number; name: string }>(
      `select distinct t.id, t.name from teams t
       join matches m on t.id in (m.home_team_id, m.away_team_id)
       where m.competition_id = $1 and t.merged_into_id is null`,
      [competitionId],
    );
    return result.rows;
  }

  /** Opponents' matches on a day: evidence that an unknown name is an existing team. */
  async matchesOnDay(
    day: string,
    teamId: number,
  ): Promise<
    Array<{ homeTeamId: number; awayTeamId: number; homeName: string; awayName: string }>
  > {
    const result = await this.client.query(
      `select m.home_team_id as "homeTeamId", m.away_team_id as "awayTeamId",
              h.name as "homeName", a.name as "awayName"
       from matches m join teams h on h.id = m.home_team_id join teams a on a.id = m.away_team_id
       where m.match_date = $1 and $2 in (m.home_team_id, m.away_team_id)`,
      [day, teamId],
    );
    return result.rows;
  }
}
