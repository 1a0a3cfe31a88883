import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvents, FixtureFacts } from '../common/events/domain-events';
import { nativeQuery } from '../infrastructure/database/native-sql';
import type { CancelledChange, RescheduledChange } from './repositories/match-write.repository';

interface FactsRow {
  id: number;
  code: string;
  competition_name: string;
  season: string;
  home_team_id: number;
  home_team_name: string;
  away_team_id: number;
  away_team_name: string;
  /** Text from the ORM's pool. */
  kickoff: Date | string;
}

/** Competition, season, teams and kick-off of the matches, as stored now (read after commit). */
export async function loadFixtureFacts(
  em: EntityManager,
  matchIds: number[],
): Promise<Map<number, FixtureFacts>> {
  if (matchIds.length === 0) return new Map();
  const rows = await nativeQuery<FactsRow>(
    em,
    `select m.id, c.code, c.name as competition_name, m.season, m.kickoff,
       h.id as home_team_id, h.name as home_team_name, a.id as away_team_id, a.name as away_team_name
     from matches m
     join competitions c on c.id = m.competition_id
     join teams h on h.id = m.home_team_id
     join teams a on a.id = m.away_team_id
     where m.id = any($1::int[])`,
    [[...new Set(matchIds)]],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        matchId: r.id,
        competition: { code: r.code, name: r.competition_name },
        season: r.season,
        homeTeam: { id: r.home_team_id, name: r.home_team_name },
        awayTeam: { id: r.away_team_id, name: r.away_team_name },
        kickoff: new Date(r.kickoff).toISOString(),
      },
    ]),
  );
}

/**
 * After commit: one `match.cancelled` per match a source or an admin cancelled, one
 * `match.rescheduled` per match whose kick-off moved. A match deleted since (a team merge) is
 * left out: its removal is announced on its own.
 */
export async function announceFixtureChanges(
  em: EntityManager,
  events: DomainEvents,
  changes: {
    cancelled?: Array<CancelledChange & { reason?: string }>;
    rescheduled?: RescheduledChange[];
  },
): Promise<void> {
  const cancelled = changes.cancelled ?? [];
  const rescheduled = changes.rescheduled ?? [];
  if (cancelled.length === 0 && rescheduled.length === 0) return;
  const facts = await loadFixtureFacts(em, [
    ...cancelled.map((c) => c.matchId),
    ...rescheduled.map((r) => r.matchId),
  ]);
  for (const change of rescheduled) {
    const match = facts.get(change.matchId);
    if (!match) continue;
    await events.emit('match.rescheduled', {
      ...match,
      kickoff: change.kickoff.toISOString(),
      previousKickoff: change.previousKickoff.toISOString(),
      source: change.source,
    });
  }
  for (const change of cancelled) {
    const match = facts.get(change.matchId);
    if (!match) continue;
    await events.emit('match.cancelled', {
      ...match,
      source: change.source,
      reason: change.reason ?? null,
    });
  }
}
