import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { DomainEvents } from '../../common/events/domain-events';
import { AppConfig } from '../../config/app-config';
import {
  NotFoundProblem,
  ProblemException,
  ValidationProblem,
} from '../../common/problem/problem.exception';
import { pageOffset, type Page } from '../../common/http/pagination';
import { Match, OddsSnapshot, Team, TeamAlias } from '../entities';
import { CURATED_TEAM_ALIASES, normaliseTeamName } from '../ingestion/team-names';
import { LOCK_TEAM_EXCLUSIVE_SQL, TEAM_LOCK } from '../repositories/team-locks';
import { CompetitionView, MergeResultView, TeamListQuery, TeamView } from './team.dto';
import { competitionCodeOf, teamIdOf } from './list-filters';
import { MatchDetailView, MatchListQuery, MatchView, OddsView } from './match.dto';

/** Read use cases over competitions, teams and matches, and the admin edits of teams. */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly em: EntityManager,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  async competitions(): Promise<CompetitionView[]> {
    const rows = await this.em.fork().execute<
      Array<{
        id: number;
        code: string;
        name: string;
        country: string | null;
        seasons: string[];
        match_count: string;
      }>
    >(
      `select c.id, c.code, c.name, c.country,
              coalesce(array_agg(distinct m.season) filter (where m.season is not null), '{}') as seasons,
              count(m.id) as match_count
       from competitions c left join matches m on m.competition_id = c.id
       group by c.id order by c.code`,
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      country: r.country,
      seasons: [...r.seasons].sort(),
      matchCount: Number(r.match_count),
    }));
  }

  async teams(query: TeamListQuery): Promise<Page<TeamView>> {
    const em = this.em.fork();
    const repository = em.getRepository(Team);
    const normalised = query.search ? normaliseTeamName(query.search) : undefined;
    // Only punctuation ('...', '-', '%') normalises to '', a pattern every alias would match.
    if (normalised === '') {
      return { items: [], page: query.page, pageSize: query.pageSize, total: 0 };
    }
    const { items, total } = await repository.search(
      query.search,
      normalised,
      pageOffset(query),
      query.pageSize,
    );
    const aliases = await aliasesOf(
      em,
      items.map((t) => t.id),
    );
    return {
      items: items.map((team) => toTeamView(team, aliases)),
      page: query.page,
      pageSize: query.pageSize,
      total,
    };
  }

  async team(id: number): Promise<TeamView> {
    const em = this.em.fork();
    const team = await em.findOne(Team, { id });
    if (!team) throw new NotFoundProblem('team', id);
    return toTeamView(team, await aliasesOf(em, [id]));
  }

  async addAlias(teamId: number, alias: string): Promise<TeamView> {
    const key = normaliseTeamName(alias);
    // Punctuation alone normalises to '': it would name no team, yet take the one empty key.
    if (key === '') {
      throw new ValidationProblem([{ field: 'alias', reason: 'must contain a letter or digit' }]);
    }
    try {
      await this.em.fork().transactional(async (em) => {
        const team = await lockTeamToShare(em, teamId, this.config.teamMergeLockTimeoutMs);
        if (!team) throw new NotFoundProblem('team', teamId);
        // Imports resolve a spelling to its team as it is: on a merged team they would file
        // matches under a team no list shows and no merge can reach.
        if (team.mergedIntoId !== null) {
          throw new ProblemException(
            409,
            'team-merged',
            'Conflict',
            `team ${teamId} (${team.name}) was merged into team ${team.mergedIntoId}; add the spelling there`,
          );
        }
        await assertAliasFree(em, teamId, alias, key);
        em.create(TeamAlias, { team, alias, normalisedKey: key, origin: 'admin' });
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ProblemException(
          409,
          'alias-taken',
          'Conflict',
          `"${alias}" was just taken by another team`,
        );
      }
      throw error;
    }
    return this.team(teamId);
  }

  async merge(teamId: number, intoTeamId: number): Promise<MergeResultView> {
    if (teamId === intoTeamId) {
      throw new ProblemException(
        400,
        'validation-failed',
        'Validation failed',
        'a team cannot be merged into itself',
        [{ field: 'intoTeamId', reason: 'must differ from the team being merged' }],
      );
    }
    // Every match of either team changes: the moved ones change team, the others' form changes.
    let affected: number[] = [];
    let finished: number[] = [];
    let removed: number[] = [];
    const result = await this.em.fork().transactional(async (em) => {
      const [source, target] = await lockTeams(
        em,
        teamId,
        intoTeamId,
        this.config.teamMergeLockTimeoutMs,
      );
      if (!source) throw new NotFoundProblem('team', teamId);
      if (!target) throw new NotFoundProblem('team', intoTeamId);
      if (source.mergedIntoId !== null || target.mergedIntoId !== null) {
        throw new ProblemException(
          409,
          'already-merged',
          'Conflict',
          'one of the teams was merged already',
        );
      }
      // Two names of one club never play each other: a match between them would become the
      // target against itself, so they are different clubs (or the data needs fixing first).
      const met = await em.getRepository(Team).meetings(teamId, intoTeamId);
      if (met > 0) {
        throw new ProblemException(
          409,
          'teams-met',
          'Conflict',
          `teams ${teamId} (${source.name}) and ${intoTeamId} (${target.name}) met in ${met} ` +
            `${met === 1 ? 'match' : 'matches'}: merging would make each a match against itself`,
        );
      }
      const matches = await em.find(
        Match,
        {
          $or: [
            { homeTeam: { $in: [teamId, intoTeamId] } },
            { awayTeam: { $in: [teamId, intoTeamId] } },
          ],
        },
        { fields: ['id'] },
      );
      affected = matches.map((m) => m.id);
      const result = await em.getRepository(Team).mergeTeams(teamId, intoTeamId);
      finished = result.finishedMatchIds;
      removed = result.removedMatchIds;
      return {
        intoTeamId,
        matchesMoved: result.moved,
        matchesDeduplicated: result.removedMatchIds.length,
      };
    });
    await this.events.emit('match.updated', { matchIds: affected });
    if (removed.length > 0) await this.events.emit('match.removed', { matchIds: removed });
    // A fixture that took its duplicate's result is scored like one an import finished.
    if (finished.length > 0) await this.events.emit('match.finished', { matchIds: finished });
    return result;
  }

  async matches(query: MatchListQuery): Promise<Page<MatchView>> {
    const competitionCode =
      query.competition === undefined
        ? undefined
        : await competitionCodeOf(this.em, query.competition);
    const { items, total } = await this.em
      .fork()
      .getRepository(Match)
      .search({
        competitionCode,
        teamId: query.team === undefined ? undefined : await teamIdOf(this.em, query.team),
        season: query.season,
        status: query.status,
        from: query.from,
        to: query.to,
        sort: query.sort,
        offset: pageOffset(query),
        limit: query.pageSize,
      });
    return { items: items.map(MatchView.of), page: query.page, pageSize: query.pageSize, total };
  }

  async match(id: number): Promise<MatchDetailView> {
    const em = this.em.fork();
    const match = await em.findOne(
      Match,
      { id },
      { populate: ['competition', 'homeTeam', 'awayTeam'] },
    );
    if (!match) throw new NotFoundProblem('match', id);
    const odds = await em.find(
      OddsSnapshot,
      { match: id },
      { orderBy: { market: 'asc', phase: 'asc', source: 'asc', bookmaker: 'asc' } },
    );
    return { ...MatchView.of(match), odds: odds.map(OddsView.of) };
  }
}

/**
 * Both teams, locked until the merge commits: two crossed merges (A into B, B into A) would
 * otherwise both pass the checks and leave a cycle. Each team's exclusive advisory lock first
 * (TEAM_LOCK: imports take it shared, and those arriving while the merge waits queue behind it,
 * so a stream of imports cannot starve the merge), then its row FOR UPDATE; in id order, as
 * imports take theirs, so never deadlock. An import filing matches of either team holds it
 * until it commits: the merge waits for it at most `timeoutMs` in all (PostgreSQL's
 * lock_timeout, set to what is left of it before each of these locks only), then gives up with
 * a 409 the caller can retry; nothing was written yet, and the transaction rolls back (which
 * takes the merge out of the queue: the imports behind it go on).
 */
async function lockTeams(
  em: EntityManager,
  teamId: number,
  otherTeamId: number,
  timeoutMs: number,
): Promise<[Team | null, Team | null]> {
  const ids = [teamId, otherTeamId].sort((a, b) => a - b);
  const busy =
    `an import is writing matches of team ${teamId} or ${otherTeamId} (or another merge ` +
    `holds them) and did not let go within ${timeoutMs} ms; nothing was merged`;
  const locked = await withinLockBound(em, timeoutMs, busy, async (bound) => {
    for (const id of ids) {
      await bound();
      await em.execute(LOCK_TEAM_EXCLUSIVE_SQL, [TEAM_LOCK, id]);
    }
    const teams = new Map<number, Team | null>();
    for (const id of ids) {
      await bound();
      teams.set(id, await em.findOne(Team, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE }));
    }
    return teams;
  });
  return [locked.get(teamId) ?? null, locked.get(otherTeamId) ?? null];
}

/**
 * The team, its row locked FOR SHARE until the alias is stored: a merge of it (which locks it
 * for update, then moves its aliases) waits for this, or this for the merge, at most
 * `timeoutMs`; past that, a 409 teams-busy with nothing added (an alias stored under the merged
 * team after the merge moved its aliases would name a team imports cannot file matches under).
 */
function lockTeamToShare(em: EntityManager, teamId: number, timeoutMs: number) {
  const busy =
    `team ${teamId} is being merged (or otherwise changed) and was not let go within ` +
    `${timeoutMs} ms; no alias was added`;
  return withinLockBound(em, timeoutMs, busy, async (bound) => {
    await bound();
    return em.findOne(Team, { id: teamId }, { lockMode: LockMode.PESSIMISTIC_READ });
  });
}

/**
 * Runs `lock`, whose lock waits together last at most `timeoutMs`: it calls `bound()` before
 * each, which sets PostgreSQL's lock_timeout to what is left (at least 1 ms: 0 is no bound).
 * Past the bound, a 409 teams-busy saying `busy`; nothing was written yet, and the caller's
 * transaction rolls back. The writes after it keep the usual lock behaviour.
 */
async function withinLockBound<T>(
  em: EntityManager,
  timeoutMs: number,
  busy: string,
  lock: (bound: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const bound = async () => {
    const left = Math.max(1, Math.ceil(deadline - Date.now()));
    await em.execute(`set local lock_timeout = ${left}`);
  };
  let result: T;
  try {
    result = await lock(bound);
  } catch (error) {
    if (isLockTimeout(error)) throw teamsBusy(busy, timeoutMs);
    throw error;
  }
  await em.execute('set local lock_timeout to default');
  return result;
}

/** PostgreSQL's lock_not_available: a lock_timeout ran out. */
function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '55P03';
}

/** 409 with Retry-After: a team stayed held past TEAM_MERGE_LOCK_TIMEOUT_MS. */
function teamsBusy(what: string, timeoutMs: number): ProblemException {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return new ProblemException(
    409,
    'teams-busy',
    'Conflict',
    `${what}: retry once it has finished (in ${seconds} s or later)`,
    undefined,
    { 'retry-after': String(seconds) },
  );
}

/** 409 when the spelling already names a team, stored or through the curated table. */
async function assertAliasFree(
  em: EntityManager,
  teamId: number,
  alias: string,
  key: string,
): Promise<void> {
  const existing = await em.findOne(TeamAlias, { normalisedKey: key }, { populate: ['team'] });
  if (existing) {
    throw new ProblemException(
      409,
      'alias-taken',
      'Conflict',
      `"${alias}" already names team ${existing.team.id} (${existing.team.name}); merge the teams instead`,
    );
  }
  // A curated spelling is stored only once an import meets it: it is taken all the same.
  const curatedKeys = CURATED_TEAM_ALIASES.filter((a) => normaliseTeamName(a.alias) === key).map(
    (a) => normaliseTeamName(a.canonical),
  );
  const curated = curatedKeys.length
    ? await em.findOne(
        TeamAlias,
        { normalisedKey: { $in: curatedKeys }, team: { $ne: teamId } },
        { populate: ['team'] },
      )
    : null;
  if (curated) {
    throw new ProblemException(
      409,
      'alias-taken',
      'Conflict',
      `"${alias}" is a curated spelling of team ${curated.team.id} (${curated.team.name}); merge the teams instead`,
    );
  }
}

/** The aliases of these teams, oldest first. */
async function aliasesOf(em: EntityManager, teamIds: number[]): Promise<TeamAlias[]> {
  if (teamIds.length === 0) return [];
  return em.find(TeamAlias, { team: { $in: teamIds } }, { orderBy: { id: 'asc' } });
}

function toTeamView(team: Team, aliases: TeamAlias[]): TeamView {
  return {
    id: team.id,
    name: team.name,
    country: team.country,
    mergedIntoId: team.mergedIntoId,
    aliases: aliases
      .filter((a) => (typeof a.team === 'object' ? a.team.id : a.team) === team.id)
      .map((a) => ({ id: a.id, alias: a.alias, origin: a.origin })),
  };
}
