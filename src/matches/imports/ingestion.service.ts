import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events';
import { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { ProblemException } from '../../common/problem/problem.exception';
import { METRICS } from '../../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../../infrastructure/metrics/metrics.service';
import type { ImportCounts, ImportIssue } from '../entities';
import { UnsupportedFormatError } from '../ingestion/errors';
import { isIngestionFormat, parseAny } from '../ingestion/formats/detect';
import type { MatchRecord, ParseResult } from '../ingestion/match-record';
import { rejectUnstorable } from '../ingestion/storable';
import { inNativeTransaction } from '../../infrastructure/database/native-sql';
import { announceFixtureChanges } from '../fixture-change-events';
import {
  MatchWriteRepository,
  NO_MATCH_CHANGES,
  ResolvedMatchRow,
  UpsertCounts,
  type KeptMatch,
  type MatchChanges,
  type MissingHalfTime,
  type PlayedSinceMoved,
  type RescheduledMatch,
  type UpsertResult,
} from '../repositories/match-write.repository';
import { ReferenceWriteRepository } from '../repositories/reference-write.repository';
import type { ImportOptions, ImportReport } from './import-report';
import { TeamResolver } from './team-resolver';

/** Rows per bulk statement: keeps progress moving and statements a sensible size. */
const WRITE_CHUNK = 10_000;

/**
 * The ingestion use case: parse a file's bytes, resolve competitions and teams, and write
 * matches and odds idempotently in ONE transaction (a crash half way leaves nothing written).
 * Default mode commits the valid rows and reports the rest; strict mode commits nothing if any
 * row is bad.
 */
@Injectable()
export class IngestionService {
  private readonly importRows;

  constructor(
    private readonly em: EntityManager,
    private readonly events: DomainEvents,
    metrics: MetricsService,
  ) {
    this.importRows = metrics.counter(METRICS.importRows);
  }

  async importContent(
    content: string | Uint8Array,
    options: ImportOptions = {},
  ): Promise<ImportReport> {
    const parsed = this.parse(content, options.format);
    await options.onProgress?.(10);
    return this.importParsed(parsed, options);
  }

  /** Writes already-parsed records (used by importContent and by generated demo data). */
  async importParsed(parsed: ParseResult, options: ImportOptions = {}): Promise<ImportReport> {
    const progress = options.onProgress ?? (() => undefined);
    const issues: ImportIssue[] = [...parsed.issues];
    const errors = () => issues.filter((issue) => issue.severity === 'error').length;
    const storable = rejectUnstorable(parsed.records);
    issues.push(...storable.issues);
    const { records, duplicates } = dropDuplicateKeys(storable.records);
    issues.push(...duplicates);
    const counts: ImportCounts = {
      rowsRead: parsed.rowsRead,
      matchesInserted: 0,
      matchesUpdated: 0,
      matchesUnchanged: 0,
      oddsWritten: 0,
      rowsRejected: 0,
      warnings: 0,
      teamsCreated: 0,
    };
    if (options.strict && errors() > 0) {
      return this.counted(finish(parsed.format, 'rejected', counts, issues, []));
    }
    const now = new Date();
    const result = await inNativeTransaction(this.em, async (client) => {
      const resolved = await this.resolve(client, records, issues, now);
      // Resolution can reject rows too; strict mode then rolls back what it created.
      if (options.strict && errors() > 0) throw new StrictRollback();
      await progress(30);
      const written = await this.write(client, resolved.rows, now, (share) =>
        progress(30 + 65 * share),
      );
      return {
        rejected: false as const,
        written,
        newTeams: resolved.resolver.newTeams,
        created: resolved.created,
      };
    }).catch((error: unknown) => {
      if (error instanceof StrictRollback) return { rejected: true as const };
      throw error;
    });
    if (result.rejected) return this.counted(finish(parsed.format, 'rejected', counts, issues, []));
    Object.assign(counts, result.written.counts, { teamsCreated: result.created });
    issues.push(...result.written.kept.map(keptIssue));
    issues.push(...result.written.rescheduled.map(rescheduledIssue));
    issues.push(...result.written.missingHalfTime.map(missingHalfTimeIssue));
    issues.push(...result.written.playedSinceMoved.map(playedSinceMovedIssue));
    if (options.announce !== false) await this.announce(result.written.changes);
    await progress(100);
    return this.counted(finish(parsed.format, 'committed', counts, issues, result.newTeams));
  }

  /** Rows accepted and rejected, for oracxpred_import_rows_total; a refused strict import accepts none. */
  private counted(report: ImportReport): ImportReport {
    const { rowsRead, rowsRejected } = report.counts;
    const accepted = report.outcome === 'committed' ? rowsRead - rowsRejected : 0;
    this.importRows.inc({ format: report.format, outcome: 'accepted' }, accepted);
    this.importRows.inc({ format: report.format, outcome: 'rejected' }, rowsRead - accepted);
    return report;
  }

  /** After commit: other modules refresh caches and score finished matches' predictions. */
  private async announce(changes: MatchChanges): Promise<void> {
    if (changes.changedMatchIds.length > 0) {
      await this.events.emit('match.updated', { matchIds: changes.changedMatchIds });
    }
    if (changes.finishedMatchIds.length > 0) {
      await this.events.emit('match.finished', { matchIds: changes.finishedMatchIds });
    }
    if (changes.resultCompetitionIds.length > 0) {
      await this.events.emit('results.added', { competitionIds: changes.resultCompetitionIds });
    }
    await announceFixtureChanges(this.em, this.events, changes);
  }

  private parse(content: string | Uint8Array, format?: string) {
    if (format !== undefined && !isIngestionFormat(format)) {
      throw new ProblemException(
        400,
        'validation-failed',
        'Validation failed',
        `unknown format "${format}"`,
        [{ field: 'format', reason: 'must be one of football-data-co-uk, history, international' }],
      );
    }
    try {
      return parseAny(content, format);
    } catch (error) {
      if (error instanceof UnsupportedFormatError) {
        throw new ProblemException(
          422,
          'unsupported-content',
          'Unsupported content',
          error.message,
        );
      }
      throw error;
    }
  }

  private async resolve(
    client: PoolClient,
    records: MatchRecord[],
    issues: ImportIssue[],
    now: Date,
  ) {
    const references = new ReferenceWriteRepository(client);
    const competitionIds = await references.ensureCompetitions(
      [...new Map(records.map((r) => [r.competition.code, r.competition])).values()],
      now,
    );
    const resolver = await TeamResolver.load(references, now);
    const candidates: ResolvedMatchRow[] = [];
    let created = 0;
    const competitionTeams = new Map<number, Array<{ id: number; name: string }>>();
    const teamsOf = async (competitionId: number) => {
      if (!competitionTeams.has(competitionId)) {
        competitionTeams.set(competitionId, await references.teamsOfCompetition(competitionId));
      }
      return competitionTeams.get(competitionId)!;
    };
    for (const record of records) {
      const competitionId = competitionIds.get(record.competition.code)!;
      let homeId = resolver.lookup(record.homeTeam);
      let awayId = resolver.lookup(record.awayTeam);
      const day = record.kickoff.toISOString().slice(0, 10);
      const lookalike = await this.likelyExistingFixture(references, homeId, awayId, day);
      if (lookalike) {
        issues.push({
          line: record.line,
          column: lookalike.column,
          reason: lookalike.reason,
          severity: 'error',
        });
        continue;
      }
      const country = record.competition.country;
      if (homeId === undefined) {
        homeId = await resolver.create(record.homeTeam, country, await teamsOf(competitionId));
        created += 1;
      }
      if (awayId === undefined) {
        awayId = await resolver.create(record.awayTeam, country, await teamsOf(competitionId));
        created += 1;
      }
      candidates.push({
        line: record.line,
        source: record.source,
        sourceKey: record.sourceKey,
        competitionId,
        season: record.season,
        kickoff: record.kickoff,
        homeTeamId: homeId,
        awayTeamId: awayId,
        status: record.status,
        homeGoals: record.homeGoals,
        awayGoals: record.awayGoals,
        homeGoalsHalfTime: record.homeGoalsHalfTime,
        awayGoalsHalfTime: record.awayGoalsHalfTime,
        neutral: record.neutral,
        leagueFixture: record.leagueFixture ?? false,
        odds: record.odds,
        quotes: record.quotes,
      });
    }
    // The names were resolved to teams as they were: a team merge may have committed since.
    // Held until commit, the teams cannot be merged before the matches are written (the merge
    // waits, then moves them); those merged meanwhile are replaced by the team that absorbed them.
    const survivors = await references.lockTeams([
      ...candidates.flatMap((row) => [row.homeTeamId, row.awayTeamId]),
      ...resolver.aliasTeamIds(),
    ]);
    resolver.follow(survivors);
    const rows: ResolvedMatchRow[] = [];
    const seenIdentity = new Map<string, number>();
    for (const candidate of candidates) {
      const row = followMerges(candidate, survivors);
      if (row.homeTeamId === row.awayTeamId) {
        issues.push({
          line: row.line,
          column: null,
          reason: playingItself(row.homeTeamId, survivors),
          severity: 'error',
        });
        continue;
      }
      const identity = `${row.homeTeamId}:${row.awayTeamId}:${row.kickoff.toISOString().slice(0, 10)}`;
      // The same match under other spellings: the later row wins, as with a repeated source key.
      const earlier = seenIdentity.get(identity);
      if (earlier !== undefined) {
        issues.push({
          line: rows[earlier].line,
          column: null,
          reason: `superseded by line ${row.line} (same teams, same day)`,
          severity: 'warning',
        });
        rows[earlier] = row;
        continue;
      }
      seenIdentity.set(identity, rows.length);
      rows.push(row);
    }
    await resolver.flush();
    return { rows, resolver, created };
  }

  /**
   * An unknown name whose known opponent already has a match that day on the same side is
   * almost surely an existing team under another spelling: refuse the row (with the likely
   * team) rather than create a duplicate fixture.
   */
  private async likelyExistingFixture(
    references: ReferenceWriteRepository,
    homeId: number | undefined,
    awayId: number | undefined,
    day: string,
  ): Promise<{ column: string; reason: string } | undefined> {
    if ((homeId === undefined) === (awayId === undefined)) return undefined;
    const knownId = (homeId ?? awayId)!;
    const knownIsHome = homeId !== undefined;
    const sameDay = await references.matchesOnDay(day, knownId);
    const match = sameDay.find((m) =>
      knownIsHome ? m.homeTeamId === knownId : m.awayTeamId === knownId,
    );
    if (!match) return undefined;
    const likely = knownIsHome ? match.awayName : match.homeName;
    const column = knownIsHome ? 'AwayTeam' : 'HomeTeam';
    return {
      column,
      reason: `unknown team; likely "${likely}" (same opponent on the same day): add the alias to that team and import again`,
    };
  }

  private async write(
    client: PoolClient,
    rows: ResolvedMatchRow[],
    now: Date,
    onShare: (share: number) => void | Promise<void>,
  ): Promise<UpsertResult> {
    const matches = new MatchWriteRepository(client);
    const total: UpsertCounts = {
      matchesInserted: 0,
      matchesUpdated: 0,
      matchesUnchanged: 0,
      oddsWritten: 0,
    };
    const changes: MatchChanges = NO_MATCH_CHANGES();
    const kept: KeptMatch[] = [];
    const rescheduled: RescheduledMatch[] = [];
    const missingHalfTime: MissingHalfTime[] = [];
    const playedSinceMoved: PlayedSinceMoved[] = [];
    for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
      const chunk = await matches.upsert(rows.slice(start, start + WRITE_CHUNK), now);
      for (const key of Object.keys(total) as Array<keyof UpsertCounts>) {
        total[key] += chunk.counts[key];
      }
      changes.changedMatchIds.push(...chunk.changes.changedMatchIds);
      changes.finishedMatchIds.push(...chunk.changes.finishedMatchIds);
      changes.resultCompetitionIds = [
        ...new Set([...changes.resultCompetitionIds, ...chunk.changes.resultCompetitionIds]),
      ];
      changes.cancelled.push(...chunk.changes.cancelled);
      changes.rescheduled.push(...chunk.changes.rescheduled);
      kept.push(...chunk.kept);
      rescheduled.push(...chunk.rescheduled);
      missingHalfTime.push(...chunk.missingHalfTime);
      playedSinceMoved.push(...chunk.playedSinceMoved);
      await onShare(Math.min(1, (start + WRITE_CHUNK) / rows.length));
    }
    return { counts: total, changes, kept, rescheduled, missingHalfTime, playedSinceMoved };
  }
}

class StrictRollback extends Error {}

/** Why a row whose two names are one team now is refused (a merge meanwhile, or two spellings). */
function playingItself(teamId: number, survivors: Map<number, number>): string {
  const merged = [...survivors].find(([, into]) => into === teamId);
  return merged
    ? `team ${merged[0]} was merged into team ${teamId} during this import: the row would be team ${teamId} playing itself`
    : `both names are spellings of team ${teamId}: the row would be the team playing itself`;
}

/** The row with its teams as they are after the merges committed since its names were resolved. */
function followMerges(row: ResolvedMatchRow, survivors: Map<number, number>): ResolvedMatchRow {
  if (survivors.size === 0) return row;
  return {
    ...row,
    homeTeamId: survivors.get(row.homeTeamId) ?? row.homeTeamId,
    awayTeamId: survivors.get(row.awayTeamId) ?? row.awayTeamId,
  };
}

/** A row the stored match's status did not let through, as a warning on its line. */
function keptIssue({ row, storedStatus, homeGoals, awayGoals }: KeptMatch): ImportIssue {
  const result = homeGoals !== null && awayGoals !== null ? ` ${homeGoals}-${awayGoals}` : '';
  return {
    line: row.line,
    column: null,
    reason: `the match is already ${storedStatus}${result}; this row says ${row.status}: the stored match is kept`,
    severity: 'warning',
  };
}

/** A not-yet-played match this row moved to its new day (the same match, not a second one). */
function rescheduledIssue({ row, from, to }: RescheduledMatch): ImportIssue {
  return {
    line: row.line,
    column: null,
    reason: `rescheduled from ${from} to ${to}: the stored match is moved, not duplicated`,
    severity: 'warning',
  };
}

/** An older listing of a match moved and played since: the played match is kept, no second one made. */
function playedSinceMovedIssue({
  row,
  listed,
  played,
  homeGoals,
  awayGoals,
}: PlayedSinceMoved): ImportIssue {
  const result = homeGoals !== null && awayGoals !== null ? ` (${homeGoals}-${awayGoals})` : '';
  return {
    line: row.line,
    column: null,
    reason: `listed on ${listed}, but this match was rescheduled to ${played} and has been played${result}: kept as played`,
    severity: 'warning',
  };
}

/** A finished row without a half-time score: the stored one is kept, or cleared if it no longer fits. */
function missingHalfTimeIssue({ row, stored, cleared }: MissingHalfTime): ImportIssue {
  const fullTime = `${row.homeGoals}-${row.awayGoals}`;
  return {
    line: row.line,
    column: null,
    reason: cleared
      ? `half-time score missing: the stored ${stored} does not fit the full-time ${fullTime} and is cleared`
      : `half-time score missing: the stored ${stored} is kept`,
    severity: 'warning',
  };
}

function finish(
  format: string,
  outcome: ImportReport['outcome'],
  counts: ImportCounts,
  issues: ImportIssue[],
  newTeams: ImportReport['newTeams'],
): ImportReport {
  issues.sort((a, b) => a.line - b.line);
  counts.rowsRejected = new Set(
    issues.filter((i) => i.severity === 'error').map((i) => i.line),
  ).size;
  counts.warnings = issues.filter((i) => i.severity === 'warning').length;
  return { format, outcome, counts, issues, newTeams };
}

/** Two rows with the same source key: the later one wins, the earlier is reported. */
function dropDuplicateKeys(records: MatchRecord[]): {
  records: MatchRecord[];
  duplicates: ImportIssue[];
} {
  const bySourceKey = new Map<string, MatchRecord>();
  const duplicates: ImportIssue[] = [];
  for (const record of records) {
    const earlier = bySourceKey.get(record.sourceKey);
    if (earlier) {
      duplicates.push({
        line: earlier.line,
        column: null,
        reason: `superseded by line ${record.line} (same match in the same source)`,
        severity: 'warning',
      });
    }
    bySourceKey.set(record.sourceKey, record);
  }
  return { records: [...bySourceKey.values()], duplicates };
}
