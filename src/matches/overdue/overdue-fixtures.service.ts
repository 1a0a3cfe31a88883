import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvents } from '../../common/events/domain-events';
import { pageOffset } from '../../common/http/pagination';
import { NotFoundProblem, ProblemException } from '../../common/problem/problem.exception';
import { AppConfig } from '../../config/app-config';
import { nativeQuery } from '../../infrastructure/database/native-sql';
import { METRICS } from '../../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../../infrastructure/metrics/metrics.service';
import { Match } from '../entities';
import { announceFixtureChanges } from '../fixture-change-events';
import type { MatchStatus } from '../ingestion/match-record';
import { MatchView } from '../read/match.dto';
import { cancelOutcome, hoursSince, overdueCutoff, UNRESULTED_STATUSES } from './overdue';
import { competitionCodeOf } from '../read/list-filters';
import type { OverdueFixturePageView, OverdueListQuery } from './overdue.dto';

/** The unresulted statuses as an SQL list (constant text, no user input). */
const UNRESULTED_SQL = UNRESULTED_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Overdue fixtures (kick-off more than the grace period ago, no result, not cancelled) filtered
 * by the matches_status_kickoff_idx index (status, kickoff): the scan touches only the unplayed
 * rows older than the cutoff, however long the history.
 */
const OVERDUE_WHERE = `m.status in (${UNRESULTED_SQL}) and m.kickoff < $1`;

/**
 * A played match of the same competition and season between the same home and away teams
 * (found through the identity index, home and away team first): the sign of a phantom.
 */
const PLAYED_TWIN = `select t.id from matches t
  where t.home_team_id = m.home_team_id and t.away_team_id = m.away_team_id
    and t.competition_id = m.competition_id and t.season = m.season
    and t.status = 'finished' and t.id <> m.id`;

/**
 * Fixtures that should have a result by now and have none, with their likely played twin, and
 * the admin's way out for a phantom: cancelling it (its ledger entries then count as void).
 */
@Injectable()
export class OverdueFixturesService {
  private readonly logger = new Logger(OverdueFixturesService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    // Read at scrape time from PostgreSQL: every replica reports the same counts (alert on max).
    // Unreadable (the database down): no series this scrape, rather than a failed scrape that
    // would also hide the pool and process metrics an operator needs just then.
    metrics.gauge(METRICS.overdueFixtures, async (gauge) => {
      try {
        const { withTwin, withoutTwin } = await this.count(new Date());
        gauge.set({ played_twin: 'true' }, withTwin);
        gauge.set({ played_twin: 'false' }, withoutTwin);
      } catch (error) {
        gauge.reset();
        this.logger.warn({ err: error }, 'overdue fixtures not counted for this scrape');
      }
    });
  }

  /** Overdue fixtures now, by whether a played twin exists. */
  async count(now: Date): Promise<{ withTwin: number; withoutTwin: number }> {
    // The twin's subquery is named once: PostgreSQL inlines it, so each use would run it again.
    const [row] = await nativeQuery<{ total: string; with_twin: string }>(
      this.em,
      `select count(*) as total, count(*) filter (where twin) as with_twin
       from (select exists (${PLAYED_TWIN}) as twin from matches m where ${OVERDUE_WHERE}) o`,
      [overdueCutoff(now, this.config.overdueFixtureHours)],
    );
    const withTwin = Number(row.with_twin);
    return { withTwin, withoutTwin: Number(row.total) - withTwin };
  }

  /** A page of overdue fixtures, the longest overdue first, each with its played twin if any. */
  async list(query: OverdueListQuery, now = new Date()): Promise<OverdueFixturePageView> {
    const graceHours = this.config.overdueFixtureHours;
    const competitionCode =
      query.competition === undefined ? null : await competitionCodeOf(this.em, query.competition);
    const twinWanted = query.playedTwin ?? null;
    const filters = `${OVERDUE_WHERE}
       and ($2::text is null or m.competition_id = (select c.id from competitions c where c.code = $2))`;
    const params = [overdueCutoff(now, graceHours), competitionCode, twinWanted];
    const rows = await nativeQuery<{ id: number; twin_id: number | null; total: string }>(
      this.em,
      `select m.id, twin.id as twin_id, count(*) over () as total
       from matches m
       left join lateral (${PLAYED_TWIN}
         -- Where a pairing met twice (Scotland), the meeting nearest in time.
         order by abs(extract(epoch from t.kickoff - m.kickoff)), t.id limit 1) twin on true
       where ${filters} and ($3::boolean is null or (twin.id is not null) = $3)
       order by m.kickoff, m.id offset $4 limit $5`,
      [...params, pageOffset(query), query.pageSize],
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && query.page > 1) {
      // Past the last page the window count has no row to ride on: count on its own.
      const [counted] = await nativeQuery<{ total: string }>(
        this.em,
        `select count(*) as total from matches m
         where ${filters} and ($3::boolean is null or exists (${PLAYED_TWIN}) = $3)`,
        params,
      );
      total = Number(counted.total);
    }
    const ids = rows.flatMap((r) => (r.twin_id === null ? [r.id] : [r.id, r.twin_id]));
    const matches = new Map(
      (
        await this.em
          .fork()
          .find(Match, { id: { $in: ids } }, { populate: ['competition', 'homeTeam', 'awayTeam'] })
      ).map((m) => [m.id, m]),
    );
    const items = rows.flatMap((row) => {
      const match = matches.get(row.id);
      // Deleted between the two reads (a team merge folded it): left out of this page.
      if (!match) return [];
      const twin = row.twin_id === null ? undefined : matches.get(row.twin_id);
      return [
        {
          ...MatchView.of(match),
          hoursSinceKickoff: hoursSince(match.kickoff, now),
          playedTwin: twin ? MatchView.of(twin) : null,
        },
      ];
    });
    return { items, page: query.page, pageSize: query.pageSize, total, graceHours };
  }

  /**
   * Cancels a fixture that has no result: its status becomes cancelled, so it leaves the
   * upcoming lists and its frozen ledger entries count as void (PerformanceService.unscored).
   * Refused (409 match-played) for a finished match; a cancelled one is answered as it is,
   * nothing changed. One conditional UPDATE, so an import finishing the match meanwhile wins:
   * the update then finds it finished and cancels nothing. A later import listing it as
   * scheduled or postponed leaves it cancelled (STATUS_TRANSITIONS); one with its result stores
   * the result.
   */
  async cancel(id: number, reason: string): Promise<MatchView> {
    const updated = await nativeQuery<{ id: number }>(
      this.em,
      `update matches set status = 'cancelled', updated_at = now(),
         cancelled_at = now(), cancelled_by = 'admin', cancel_reason = $2
       where id = $1 and status in (${UNRESULTED_SQL}) returning id`,
      [id, reason],
    );
    if (updated.length > 0) {
      this.logger.log({ matchId: id, reason }, 'fixture cancelled');
      // As for any change of a match's data: its cached predictions are dropped, the live list too.
      await this.events.emit('match.updated', { matchIds: [id] });
      await announceFixtureChanges(this.em, this.events, {
        cancelled: [{ matchId: id, source: 'admin', reason }],
      });
      return this.view(id);
    }
    const [stored] = await nativeQuery<{ status: MatchStatus }>(
      this.em,
      'select status::text as status from matches where id = $1',
      [id],
    );
    if (!stored) throw new NotFoundProblem('match', id);
    if (cancelOutcome(stored.status) === 'played') {
      throw new ProblemException(
        409,
        'match-played',
        'Conflict',
        `match ${id} is finished: a match with a result cannot be cancelled`,
      );
    }
    return this.view(id);
  }

  private async view(id: number): Promise<MatchView> {
    const match = await this.em
      .fork()
      .findOne(Match, { id }, { populate: ['competition', 'homeTeam', 'awayTeam'] });
    if (!match) throw new NotFoundProblem('match', id);
    return MatchView.of(match);
  }
}
