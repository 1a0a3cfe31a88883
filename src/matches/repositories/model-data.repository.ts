import type { EntityManager } from '@mikro-orm/postgresql';
import { nativeQuery } from '../../infrastructure/database/native-sql';

export interface TrainingRow {
  id: number;
  kickoff: Date;
  home_team_id: number;
  away_team_id: number;
  competition: string;
  season: string;
  neutral: boolean;
  home_goals: number;
  away_goals: number;
  opening: Record<string, number> | null;
  closing: Record<string, number> | null;
  ou25_opening: Record<string, number> | null;
  ou25_closing: Record<string, number> | null;
  btts_opening: Record<string, number> | null;
  btts_closing: Record<string, number> | null;
}

export interface FixtureRow {
  id: number;
  kickoff: Date;
  season: string;
  status: string;
  neutral: boolean;
  home_goals: number | null;
  away_goals: number | null;
  competition: string;
  competition_name: string;
  home_id: number;
  home_name: string;
  away_id: number;
  away_name: string;
  updated_at: Date;
  odds: Array<{
    market: string;
    phase: string;
    bookmaker: string;
    prices: Record<string, number>;
    capturedAt: string;
  }>;
  home_form: FormRow[] | null;
  away_form: FormRow[] | null;
}

export interface FormRow {
  kickoff: string;
  home_team_id: number;
  away_team_id: number;
  home_goals: number;
  away_goals: number;
}

/** The market average where a source gives one, else any bookmaker (stable order). */
const PRICES = (market: string, phase: string, alias: string) => `
  left join lateral (
    select o.prices from odds_snapshots o
    where o.match_id = m.id and o.market = '${market}' and o.phase = '${phase}'
    order by (o.bookmaker = 'market-average') desc, o.bookmaker, o.source limit 1
  ) ${alias} on true`;
const ONE_X_TWO = (phase: string) => PRICES('1x2', phase, phase);

const FORM = (team: string) => `
  (select json_agg(f order by f.kickoff desc) from (
     select * from (
       (select kickoff, home_team_id, away_team_id, home_goals, away_goals from matches
        where home_team_id = m.${team} and kickoff < m.kickoff and home_goals is not null
        order by kickoff desc limit 5)
       union all
       (select kickoff, home_team_id, away_team_id, home_goals, away_goals from matches
        where away_team_id = m.${team} and kickoff < m.kickoff and home_goals is not null
        order by kickoff desc limit 5)
     ) both_sides order by kickoff desc limit 5) f)`;

/** Read queries that feed the models and the prediction service (plain SQL, one round trip each). */
export class ModelDataRepository {
  constructor(private readonly em: EntityManager) {}

  trainingRows(
    competitions: string[] | null,
    from: Date | null,
    to: Date | null,
    matchIds: number[] | null = null,
  ) {
    return nativeQuery<TrainingRow>(
      this.em,
      `select m.id, m.kickoff, m.home_team_id, m.away_team_id, c.code as competition, m.season,
              m.neutral, m.home_goals, m.away_goals, opening.prices as opening, closing.prices as closing,
              ou25_opening.prices as ou25_opening, ou25_closing.prices as ou25_closing,
              btts_opening.prices as btts_opening, btts_closing.prices as btts_closing
       from matches m join competitions c on c.id = m.competition_id
       ${ONE_X_TWO('opening')} ${ONE_X_TWO('closing')}
       ${PRICES('ou25', 'opening', 'ou25_opening')} ${PRICES('ou25', 'closing', 'ou25_closing')}
       ${PRICES('btts', 'opening', 'btts_opening')} ${PRICES('btts', 'closing', 'btts_closing')}
       where m.status = 'finished' and m.home_goals is not null and m.away_goals is not null
         and ($1::text[] is null or c.code = any($1))
         and ($2::timestamptz is null or m.kickoff >= $2)
         and ($3::timestamptz is null or m.kickoff < $3)
         and ($4::int[] is null or m.id = any($4))
       order by m.kickoff, m.id`,
      [competitions, from, to, matchIds],
    );
  }

  async fixture(id: number): Promise<FixtureRow | undefined> {
    // Prepared: served on every uncached prediction, and planning it costs more than running it.
    const rows = await nativeQuery<FixtureRow>(
      this.em,
      `select m.id, m.kickoff, m.season, m.status::text as status, m.neutral, m.home_goals,
              m.away_goals, c.code as competition, c.name as competition_name,
              h.id as home_id, h.name as home_name, a.id as away_id, a.name as away_name,
              m.updated_at,
              (select coalesce(json_agg(json_build_object('market', o.market, 'phase', o.phase,
                  'bookmaker', o.bookmaker, 'prices', o.prices, 'capturedAt', o.captured_at)
                  order by o.market, o.phase, o.bookmaker, o.source), '[]')
               from odds_snapshots o where o.match_id = m.id) as odds,
              ${FORM('home_team_id')} as home_form,
              ${FORM('away_team_id')} as away_form
       from matches m
       join competitions c on c.id = m.competition_id
       join teams h on h.id = m.home_team_id
       join teams a on a.id = m.away_team_id
       where m.id = $1`,
      [id],
      { prepareAs: 'fixture-detail' },
    );
    return rows[0];
  }

  /** Fixtures not yet played in [from, to), soonest first. */
  async upcomingIds(
    competition: string | null,
    from: Date,
    to: Date | null,
    offset: number,
    limit: number,
  ): Promise<{ ids: number[]; total: number }> {
    const upcoming = `from matches m join competitions c on c.id = m.competition_id
       where m.status = 'scheduled' and m.kickoff >= $2
         and ($1::text is null or c.code = $1)
         and ($3::timestamptz is null or m.kickoff < $3)`;
    const rows = await nativeQuery<{ id: number; total: string }>(
      this.em,
      `select m.id, count(*) over () as total ${upcoming}
       order by m.kickoff, m.id offset $4 limit $5`,
      [competition, from, to, offset, limit],
    );
    if (rows.length > 0) return { ids: rows.map((r) => r.id), total: Number(rows[0].total) };
    if (offset === 0) return { ids: [], total: 0 };
    // Past the last page the window count has no row to ride on: count on its own.
    const [{ total }] = await nativeQuery<{ total: string }>(
      this.em,
      `select count(*) as total ${upcoming}`,
      [competition, from, to],
    );
    return { ids: [], total: Number(total) };
  }

  /**
   * Ids of the fixtures not yet played (scheduled, kick-off ahead) among `matchIds` and/or in
   * `competitions` (null: no restriction), soonest first.
   */
  async upcomingAmong(matchIds: number[] | null, competitions: string[] | null): Promise<number[]> {
    const rows = await nativeQuery<{ id: number }>(
      this.em,
      `select m.id from matches m join competitions c on c.id = m.competition_id
       where m.status = 'scheduled' and m.kickoff > now()
         and ($1::integer[] is null or m.id = any($1))
         and ($2::text[] is null or c.code = any($2))
       order by m.kickoff, m.id`,
      [matchIds, competitions],
    );
    return rows.map((r) => r.id);
  }

  async competitionsWithResults(
    competitionIds: number[],
  ): Promise<Array<{ code: string; finished: number }>> {
    const rows = await nativeQuery<{ code: string; finished: string }>(
      this.em,
      `select c.code,
              (select count(*) from matches f
                where f.competition_id = c.id and f.home_goals is not null) as finished
         from competitions c
        where c.id = any($1::int[])`,
      [competitionIds],
    );
    return rows.map((r) => ({ code: r.code, finished: Number(r.finished) }));
  }

  /** Teams with the competition of their latest match (for hypothetical fixtures). */
  teams(ids: number[]) {
    return nativeQuery<{ id: number; name: string; competition: string | null }>(
      this.em,
      `select t.id, t.name,
              (select c.code from matches m join competitions c on c.id = m.competition_id
               where m.home_team_id = t.id or m.away_team_id = t.id
               order by m.kickoff desc limit 1) as competition
       from teams t where t.id = any($1)`,
      [ids],
    );
  }

  competitionCodes() {
    return nativeQuery<{ code: string }>(
      this.em,
      `select c.code from competitions c
       where exists (select 1 from matches m where m.competition_id = c.id and m.status = 'finished')
       order by c.code`,
    );
  }
}
