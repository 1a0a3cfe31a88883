import type { PoolClient } from 'pg';
import { transitionsSqlValues } from '../ingestion/status-transitions';

/** A parsed row whose competition and teams are resolved to ids, ready to be written. */
export interface ResolvedMatchRow {
  /** The row's line in its source (for the import's report). */
  line: number;
  source: string;
  sourceKey: string;
  competitionId: number;
  season: string;
  kickoff: Date;
  homeTeamId: number;
  awayTeamId: number;
  status: string;
  homeGoals: number | null;
  awayGoals: number | null;
  homeGoalsHalfTime: number | null;
  awayGoalsHalfTime: number | null;
  neutral: boolean;
  /** See MatchRecord.leagueFixture: only such a row may move a stored match to its day. */
  leagueFixture: boolean;
  odds: Array<{ market: string; phase: string; bookmaker: string; prices: Record<string, number> }>;
  /** Prices as the source shows them now (live feeds): see MatchRecord.quotes. */
  quotes?: Array<{ market: string; bookmaker: string; prices: Record<string, number> }>;
}

export interface UpsertResult {
  counts: UpsertCounts;
  changes: MatchChanges;
  kept: KeptMatch[];
  rescheduled: RescheduledMatch[];
  missingHalfTime: MissingHalfTime[];
  playedSinceMoved: PlayedSinceMoved[];
}

export interface UpsertCounts {
  matchesInserted: number;
  matchesUpdated: number;
  matchesUnchanged: number;
  oddsWritten: number;
}

/**
 * Existing matches whose data changed (result, kick-off, status or odds), those now finished,
 * those now cancelled and those whose kick-off moved.
 */
export interface MatchChanges {
  changedMatchIds: number[];
  finishedMatchIds: number[];
  /**
   * Competitions this write gave results: a stored match now finished, or a match first seen
   * finished (which `finishedMatchIds`, stored matches only, leaves out: a history file's
   * thousands of old results are no news to announce, but they are a league's first data).
   */
  resultCompetitionIds: number[];
  /** Stored matches a row moved to cancelled (a match first seen cancelled is not among them). */
  cancelled: CancelledChange[];
  /** Unplayed stored matches whose kick-off a row moved (another day: findRescheduled), with the kick-off before. */
  rescheduled: RescheduledChange[];
}

export interface CancelledChange {
  matchId: number;
  /** The source of the row that cancelled it. */
  source: string;
}

export interface RescheduledChange {
  matchId: number;
  previousKickoff: Date;
  kickoff: Date;
  /** The source of the row that moved it. */
  source: string;
}

export const NO_MATCH_CHANGES = (): MatchChanges => ({
  changedMatchIds: [],
  finishedMatchIds: [],
  resultCompetitionIds: [],
  cancelled: [],
  rescheduled: [],
});

/** A not-yet-played match a row moved to another day (a postponed fixture listed again). */
export interface RescheduledMatch {
  row: ResolvedMatchRow;
  /** The stored match's UTC day before the move, and after it (YYYY-MM-DD). */
  from: string;
  to: string;
}

/**
 * A not-yet-played row under a key the source's match was rescheduled away from, for a day before
 * the one that match was then played on: an older listing imported again. Nothing of it is
 * applied (no second fixture on the old day): see findPlayedSinceMoved.
 */
export interface PlayedSinceMoved {
  row: ResolvedMatchRow;
  /** The row's UTC day, and the day the match was played (YYYY-MM-DD). */
  listed: string;
  played: string;
  homeGoals: number | null;
  awayGoals: number | null;
}

/**
 * A finished row without a half-time score, for a match that has one: an empty cell is unknown,
 * not 0-0, so the stored score is kept, unless it does not fit the row's full-time score (a
 * corrected result), in which case it is cleared.
 */
export interface MissingHalfTime {
  row: ResolvedMatchRow;
  /** The stored half-time score, "1-0". */
  stored: string;
  cleared: boolean;
}

/** A row whose status the stored match may not take (see STATUS_TRANSITIONS): nothing of it was applied. */
export interface KeptMatch {
  row: ResolvedMatchRow;
  storedStatus: string;
  homeGoals: number | null;
  awayGoals: number | null;
}

/**
 * A price counts as pre-match while the source and the stored match both say "scheduled"; the
 * kick-off may be this much in the past by our clock (the source's clock and the poll's
 * latency differ from ours), never more.
 */
const QUOTE_CLOCK_SKEW = '2 minutes';

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** Source keys hold the match's date (YYYY-MM-DD); two keys equal without it name one fixture. */
const DATELESS_KEY = (column: string) =>
  `regexp_replace(${column}, '\\d{4}-\\d{2}-\\d{2}', '', 'g')`;

/**
 * The bulk write path of ingestion: set-based SQL over arrays, inside the caller's transaction.
 * A row finds its match by (source, source key) first, then by the cross-source identity (home,
 * away, UTC day); only then is a match inserted. Updates happen only when something differs,
 * so re-importing a file changes nothing.
 */
export class MatchWriteRepository {
  constructor(private readonly client: PoolClient) {}

  async upsert(rows: ResolvedMatchRow[], now: Date): Promise<UpsertResult> {
    if (rows.length === 0) {
      return {
        counts: { matchesInserted: 0, matchesUpdated: 0, matchesUnchanged: 0, oddsWritten: 0 },
        changes: NO_MATCH_CHANGES(),
        kept: [],
        rescheduled: [],
        missingHalfTime: [],
        playedSinceMoved: [],
      };
    }
    await this.loadBatch(rows);
    await this.client.query(`
      update import_batch b set match_id = r.match_id
      from match_source_refs r
      where r.source = b.source and r.source_key = b.source_key and not r.superseded`);
    await this.client.query(`
      update import_batch b set match_id = m.id
      from matches m
      where b.match_id is null and m.home_team_id = b.home_team_id
        and m.away_team_id = b.away_team_id and m.match_date = b.match_date`);
    await this.findPlayedSinceMoved();
    await this.findRescheduled();
    const inserted = await this.client.query(
      `with inserted as (
         insert into matches (competition_id, season, kickoff, match_date, home_team_id, away_team_id,
           status, home_goals, away_goals, home_goals_half_time, away_goals_half_time, neutral,
           source, source_key, created_at, updated_at, cancelled_at, cancelled_by)
         select competition_id, season, kickoff, match_date, home_team_id, away_team_id,
           status::match_status, home_goals, away_goals, home_goals_half_time, away_goals_half_time,
           neutral, source, source_key, $1, $1,
           case when status = 'cancelled' then $1::timestamptz end,
           case when status = 'cancelled' then source end
         from import_batch where match_id is null order by ordinal
         returning id, home_team_id, away_team_id, match_date)
       update import_batch b set match_id = i.id, inserted = true
       from inserted i
       where b.match_id is null and b.home_team_id = i.home_team_id
         and b.away_team_id = i.away_team_id and b.match_date = i.match_date`,
      [now],
    );
    await this.findMissingHalfTime();
    // Status only moves as STATUS_TRANSITIONS allows: a known result is never overwritten by a
    // source that still lists the match as scheduled or live (a correction stays finished); kick-off, competition and venue follow the source that first reported the match, so two
    // sources with different kick-off times do not flip the match back and forth. A rescheduled
    // match (see findRescheduled) moves whichever source first reported it.
    const follows = 'm.source = b.source or b.rescheduled_from is not null';
    const halfTime = (side: 'home' | 'away') =>
      `case when b.clear_half_time then null
         else coalesce(b.${side}_goals_half_time, m.${side}_goals_half_time) end`;
    const updated = await this.client.query(
      `update matches m set
         status = b.status::match_status, home_goals = b.home_goals, away_goals = b.away_goals,
         home_goals_half_time = ${halfTime('home')},
         away_goals_half_time = ${halfTime('away')},
         kickoff = case when ${follows} then b.kickoff else m.kickoff end,
         match_date = case when ${follows} then b.match_date else m.match_date end,
         source_key = case when m.source = b.source and b.rescheduled_from is not null
           then b.source_key else m.source_key end,
         neutral = case when m.source = b.source then b.neutral else m.neutral end,
         -- (m.* is the row before this update.) Who cancelled it, kept while it stays cancelled.
         cancelled_at = case when b.status <> 'cancelled' then null
           when m.status = 'cancelled' then m.cancelled_at else $1::timestamptz end,
         cancelled_by = case when b.status <> 'cancelled' then null
           when m.status = 'cancelled' then m.cancelled_by else b.source end,
         cancel_reason = case when b.status = 'cancelled' and m.status = 'cancelled'
           then m.cancel_reason end,
         updated_at = $1
       from import_batch b
       -- prev: the match as it was before this statement (the statement's snapshot).
       join matches prev on prev.id = b.match_id
       where b.match_id = m.id and not b.inserted and b.played_on is null
         and (m.status::text, b.status) in (values ${transitionsSqlValues()})
         and (m.status::text, m.home_goals, m.away_goals,
              ${halfTime('home')},
              ${halfTime('away')},
              case when ${follows} then b.kickoff else m.kickoff end,
              case when m.source = b.source then b.neutral else m.neutral end)
           is distinct from
             (b.status, b.home_goals, b.away_goals, m.home_goals_half_time,
              m.away_goals_half_time, m.kickoff, m.neutral)
       returning m.id, m.status::text as status, prev.status::text as previous_status,
         m.kickoff, prev.kickoff as previous_kickoff, b.source,
         m.kickoff <> prev.kickoff and m.status in ('scheduled', 'postponed') as rescheduled`,
      [now],
    );
    // Rows the status rules refused (a source still listing a finished match as scheduled, say):
    // counted as unchanged, and reported, so a file's data is never dropped without a word.
    const refused = await this.client.query<{
      ordinal: number;
      status: string;
      home_goals: number | null;
      away_goals: number | null;
    }>(
      `select b.ordinal, m.status::text as status, m.home_goals, m.away_goals
       from import_batch b join matches m on m.id = b.match_id
       where not b.inserted and b.played_on is null
         and (m.status::text, b.status) not in (values ${transitionsSqlValues()})
       order by b.ordinal`,
    );
    const playedSinceMoved = await this.client.query<{
      ordinal: number;
      listed: string;
      played: string;
      home_goals: number | null;
      away_goals: number | null;
    }>(
      `select b.ordinal, b.match_date::text as listed, b.played_on::text as played,
         m.home_goals, m.away_goals
       from import_batch b join matches m on m.id = b.match_id
       where b.played_on is not null order by b.ordinal`,
    );
    const missingHalfTime = await this.client.query<{
      ordinal: number;
      stored: string;
      cleared: boolean;
    }>(
      `select ordinal, stored_half_time as stored, clear_half_time is true as cleared
       from import_batch where stored_half_time is not null order by ordinal`,
    );
    const rescheduled = await this.client.query<{ ordinal: number; from: string; to: string }>(
      `select ordinal, rescheduled_from::text as from, match_date::text as to
       from import_batch where rescheduled_from is not null order by ordinal`,
    );
    // The key moves with the match: the old one finds it no more, so a later row under it (the
    // result of a different meeting, say) is matched afresh; it is kept as superseded, which
    // tells an older listing of the match once played (see findPlayedSinceMoved). A match moved
    // back to a key it had drops the keys it leaves: the source took that listing back (or it
    // named another meeting of the pairing, Scotland's second one, to be created when listed).
    const moved = `b.rescheduled_from is not null and r.match_id = b.match_id
      and r.source = b.source and r.source_key <> b.source_key
      and ${DATELESS_KEY('r.source_key')} = ${DATELESS_KEY('b.source_key')}`;
    await this.client.query(`
      delete from match_source_refs r using import_batch b
      where ${moved} and exists (
        select 1 from match_source_refs back
        where back.source = b.source and back.source_key = b.source_key
          and back.match_id = b.match_id and back.superseded)`);
    await this.client.query(`
      update match_source_refs r set superseded = true from import_batch b
      where ${moved} and not r.superseded`);
    await this.client.query(`
      insert into match_source_refs (match_id, source, source_key)
      select match_id, source, source_key from import_batch where played_on is null
      on conflict (source, source_key) do update
        set match_id = excluded.match_id, superseded = false
        where match_source_refs.superseded`);
    const odds = await this.upsertOdds(rows, now);
    const quotes = await this.upsertQuotes(rows, now);
    const matchesInserted = inserted.rowCount ?? 0;
    const matchesUpdated = updated.rowCount ?? 0;
    const updatedRows = updated.rows as Array<{
      id: number;
      status: string;
      previous_status: string;
      // The ORM's pool hands timestamps over as text.
      kickoff: Date | string;
      previous_kickoff: Date | string;
      source: string;
      rescheduled: boolean;
    }>;
    const finishedMatchIds = updatedRows.filter((r) => r.status === 'finished').map((r) => r.id);
    // From the batch (this chunk's rows), not a scan of every stored match.
    const resultCompetitions = await this.client.query<{ competition_id: number }>(
      `select distinct competition_id from import_batch
       where status = 'finished' and (inserted or match_id = any($1::int[]))`,
      [finishedMatchIds],
    );
    return {
      counts: {
        matchesInserted,
        matchesUpdated,
        matchesUnchanged: rows.length - matchesInserted - matchesUpdated,
        oddsWritten: odds.written + quotes.written,
      },
      changes: {
        changedMatchIds: [
          ...new Set([
            ...updatedRows.map((r) => r.id),
            ...odds.changedMatchIds,
            ...quotes.changedMatchIds,
          ]),
        ],
        finishedMatchIds,
        resultCompetitionIds: resultCompetitions.rows.map((r) => r.competition_id),
        cancelled: updatedRows
          .filter((r) => r.status === 'cancelled' && r.previous_status !== 'cancelled')
          .map((r) => ({ matchId: r.id, source: r.source })),
        rescheduled: updatedRows
          .filter((r) => r.rescheduled)
          .map((r) => ({
            matchId: r.id,
            previousKickoff: new Date(r.previous_kickoff),
            kickoff: new Date(r.kickoff),
            source: r.source,
          })),
      },
      kept: refused.rows.map((r) => ({
        row: rows[r.ordinal],
        storedStatus: r.status,
        homeGoals: r.home_goals,
        awayGoals: r.away_goals,
      })),
      rescheduled: rescheduled.rows.map((r) => ({ row: rows[r.ordinal], from: r.from, to: r.to })),
      playedSinceMoved: playedSinceMoved.rows.map((r) => ({
        row: rows[r.ordinal],
        listed: r.listed,
        played: r.played,
        homeGoals: r.home_goals,
        awayGoals: r.away_goals,
      })),
      missingHalfTime: missingHalfTime.rows.map((r) => ({
        row: rows[r.ordinal],
        stored: r.stored,
        cleared: r.cleared,
      })),
    };
  }

  /** Marks the finished rows without a half-time score whose match has one: see MissingHalfTime. */
  private async findMissingHalfTime(): Promise<void> {
    await this.client.query(`
      update import_batch b set
        stored_half_time = m.home_goals_half_time || '-' || m.away_goals_half_time,
        clear_half_time = m.home_goals_half_time > b.home_goals
          or m.away_goals_half_time > b.away_goals
      from matches m
      where b.match_id = m.id and not b.inserted and b.status = 'finished'
        and b.home_goals_half_time is null and b.away_goals_half_time is null
        and m.home_goals_half_time is not null and m.away_goals_half_time is not null
        and (m.status::text, b.status) in (values ${transitionsSqlValues()})`);
  }

  /**
   * A fixture listed, moved to a later day and played there: its first listing imported again
   * (last month's fixtures file, say) names it by the key it was moved away from, now superseded.
   * Such a row (not played by its own account, for a day before the match's) is the same match,
   * not a new fixture on the old day: it takes the match and is marked (played_on) so that
   * nothing of it is applied and it is reported. A row for a later day than the match's may be
   * the pairing's other meeting (Scotland), and a row with a result is news: both go on as before.
   */
  private async findPlayedSinceMoved(): Promise<void> {
    await this.client.query(`
      update import_batch b set match_id = m.id, played_on = m.match_date
      from match_source_refs r join matches m on m.id = r.match_id
      where b.match_id is null and r.superseded and r.source = b.source
        and r.source_key = b.source_key and b.status in ('scheduled', 'postponed')
        and b.home_goals is null and m.status = 'finished' and b.match_date < m.match_date`);
  }

  /**
   * A postponed fixture listed again on another day has a new source key (keys hold the date).
   * A league row (not cups or friendlies) whose key is not stored yet takes the match its source
   * named under the same key but for the date, if that match is of the same competition, season
   * and teams, not played yet and not named by another row of the batch: the match moves (kick-off,
   * key, the source's ref), keeping its id and so its predictions and ledger entries, instead of a
   * second match being created. The latest listing wins: the old key listed again moves it back.
   * Where a pairing meets twice at one ground in a season (Scotland), a later meeting listed
   * before the earlier one's result is stored takes that match for a while; the result, under the
   * earlier key, moves it back, and the later meeting is created when listed again. Every move is
   * marked (rescheduled_from) to be applied by the update and reported. Another source's row
   * naming the match by its own older key moves it too.
   */
  private async findRescheduled(): Promise<void> {
    const sameFixtureOfSource = `exists (
      select 1 from match_source_refs r
      where r.match_id = m.id and r.source = b.source
        and ${DATELESS_KEY('r.source_key')} = ${DATELESS_KEY('b.source_key')})`;
    const unplayed = `m.status in ('scheduled', 'postponed') and m.home_goals is null`;
    await this.client.query(`
      with candidates as (
        select distinct on (b.ordinal) b.ordinal, m.id
        from import_batch b
        join matches m on m.home_team_id = b.home_team_id and m.away_team_id = b.away_team_id
          and m.competition_id = b.competition_id and m.season = b.season
        where b.match_id is null and b.league_fixture and ${unplayed} and ${sameFixtureOfSource}
          and not exists (select 1 from import_batch o where o.match_id = m.id)
        -- Where a pairing meets twice at one ground (Scotland), the fixture nearest in time.
        order by b.ordinal, abs(extract(epoch from m.kickoff - b.kickoff)), m.id),
      chosen as (select distinct on (id) ordinal, id from candidates order by id, ordinal desc)
      update import_batch b set match_id = c.id from chosen c where b.ordinal = c.ordinal`);
    await this.client.query(`
      update import_batch b set rescheduled_from = m.match_date
      from matches m
      where b.match_id = m.id and b.league_fixture and m.match_date <> b.match_date
        and ${unplayed} and ${sameFixtureOfSource}`);
  }

  private async loadBatch(rows: ResolvedMatchRow[]): Promise<void> {
    // A file of more than one chunk loads each chunk in the same transaction: the previous
    // chunk's table (dropped only at commit) goes first. pg_temp: never a real table of that name.
    await this.client.query('drop table if exists pg_temp.import_batch');
    await this.client.query(`
      create temp table import_batch (
        ordinal int primary key, source text, source_key text, competition_id int, season text,
        kickoff timestamptz, match_date date, home_team_id int, away_team_id int, status text,
        home_goals smallint, away_goals smallint, home_goals_half_time smallint,
        away_goals_half_time smallint, neutral boolean, league_fixture boolean, match_id int,
        inserted boolean default false,
        rescheduled_from date, stored_half_time text, clear_half_time boolean, played_on date
      ) on commit drop`);
    const column = <T>(pick: (row: ResolvedMatchRow) => T) => rows.map((row) => pick(row));
    await this.client.query(
      `insert into import_batch (ordinal, source, source_key, competition_id, season, kickoff,
         match_date, home_team_id, away_team_id, status, home_goals, away_goals,
         home_goals_half_time, away_goals_half_time, neutral, league_fixture)
       select * from unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[],
         $6::timestamptz[], $7::date[], $8::int[], $9::int[], $10::text[], $11::smallint[],
         $12::smallint[], $13::smallint[], $14::smallint[], $15::boolean[], $16::boolean[])`,
      [
        rows.map((_, ordinal) => ordinal),
        column((r) => r.source),
        column((r) => r.sourceKey),
        column((r) => r.competitionId),
        column((r) => r.season),
        column((r) => r.kickoff.toISOString()),
        column((r) => utcDay(r.kickoff)),
        column((r) => r.homeTeamId),
        column((r) => r.awayTeamId),
        column((r) => r.status),
        column((r) => r.homeGoals),
        column((r) => r.awayGoals),
        column((r) => r.homeGoalsHalfTime),
        column((r) => r.awayGoalsHalfTime),
        column((r) => r.neutral),
        column((r) => r.leagueFixture),
      ],
    );
    await this.client.query('analyze import_batch');
  }

  private async upsertOdds(
    rows: ResolvedMatchRow[],
    now: Date,
  ): Promise<{ written: number; changedMatchIds: number[] }> {
    const ordinals: number[] = [];
    const markets: string[] = [];
    const phases: string[] = [];
    const bookmakers: string[] = [];
    const prices: string[] = [];
    rows.forEach((row, ordinal) => {
      for (const odds of row.odds) {
        ordinals.push(ordinal);
        markets.push(odds.market);
        phases.push(odds.phase);
        bookmakers.push(odds.bookmaker);
        prices.push(JSON.stringify(odds.prices));
      }
    });
    if (ordinals.length === 0) return { written: 0, changedMatchIds: [] };
    const params = [ordinals, markets, phases, bookmakers, prices, now];
    const rowsOf = (matchFilter: string) => `
      select b.match_id, o.market::odds_market, o.phase::odds_phase, o.bookmaker, o.prices::jsonb,
        b.source, $6::timestamptz
      from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])
        as o(ordinal, market, phase, bookmaker, prices)
      join import_batch b on b.ordinal = o.ordinal and b.played_on is null and ${matchFilter}`;
    const columns = 'match_id, market, phase, bookmaker, prices, source, captured_at';
    // Matches inserted by this batch cannot have odds yet: a plain insert, cheaper than upsert.
    const fresh = await this.client.query(
      `insert into odds_snapshots (${columns}) ${rowsOf('b.inserted')}`,
      params,
    );
    const known = await this.client.query(
      `insert into odds_snapshots (${columns}) ${rowsOf('not b.inserted')}
       on conflict (match_id, market, phase, bookmaker, source) do update
         set prices = excluded.prices, captured_at = excluded.captured_at
         where odds_snapshots.prices is distinct from excluded.prices
       returning match_id`,
      params,
    );
    return {
      written: (fresh.rowCount ?? 0) + (known.rowCount ?? 0),
      changedMatchIds: (known.rows as Array<{ match_id: number }>).map((r) => r.match_id),
    };
  }

  /**
   * Current prices of matches not yet kicked off: a price that differs from the last one seen is
   * appended to odds_movements; the first seen is the opening snapshot (never overwritten), the
   * latest seen before kick-off the closing one. Prices of a match that has started are ignored.
   */
  private async upsertQuotes(
    rows: ResolvedMatchRow[],
    now: Date,
  ): Promise<{ written: number; changedMatchIds: number[] }> {
    const ordinals: number[] = [];
    const markets: string[] = [];
    const bookmakers: string[] = [];
    const prices: string[] = [];
    rows.forEach((row, ordinal) => {
      for (const quote of row.quotes ?? []) {
        ordinals.push(ordinal);
        markets.push(quote.market);
        bookmakers.push(quote.bookmaker);
        prices.push(JSON.stringify(quote.prices));
      }
    });
    if (ordinals.length === 0) return { written: 0, changedMatchIds: [] };
    const params = [ordinals, markets, bookmakers, prices, now];
    const quotes = `
      select b.match_id, o.market::odds_market as market, o.bookmaker, o.prices::jsonb as prices,
        b.source
      from unnest($1::int[], $2::text[], $3::text[], $4::text[])
        as o(ordinal, market, bookmaker, prices)
      join import_batch b on b.ordinal = o.ordinal
      join matches m on m.id = b.match_id
      where b.status = 'scheduled' and m.status = 'scheduled'
        and b.kickoff > $5::timestamptz - interval '${QUOTE_CLOCK_SKEW}'`;
    const moved = await this.client.query(
      `with q as (${quotes})
       insert into odds_movements (match_id, market, bookmaker, source, prices, observed_at)
       select q.match_id, q.market, q.bookmaker, q.source, q.prices, $5 from q
       where q.prices is distinct from (
         select m.prices from odds_movements m
         where m.match_id = q.match_id and m.market = q.market and m.bookmaker = q.bookmaker
           and m.source = q.source
         order by m.observed_at desc, m.id desc limit 1)
       returning match_id`,
      params,
    );
    const snapshot = (phase: string, onConflict: string) =>
      this.client.query(
        `with q as (${quotes})
         insert into odds_snapshots (match_id, market, phase, bookmaker, prices, source, captured_at)
         select q.match_id, q.market, '${phase}'::odds_phase, q.bookmaker, q.prices, q.source, $5
         from q
         on conflict (match_id, market, phase, bookmaker, source) ${onConflict}`,
        params,
      );
    const opening = await snapshot('opening', 'do nothing');
    const closing = await snapshot(
      'closing',
      `do update set prices = excluded.prices, captured_at = excluded.captured_at
       where odds_snapshots.prices is distinct from excluded.prices`,
    );
    return {
      written: (opening.rowCount ?? 0) + (closing.rowCount ?? 0),
      changedMatchIds: [
        ...new Set((moved.rows as Array<{ match_id: number }>).map((r) => r.match_id)),
      ],
    };
  }
}
