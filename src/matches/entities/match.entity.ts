import {
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt, PrimaryKeyProp } from '@mikro-orm/core';
import { MatchRepository } from '../repositories/match.repository';
import { Competition } from './competition.entity';
import { Team } from './team.entity';

export enum MatchStatus {
  Scheduled = 'scheduled',
  Live = 'live',
  Finished = 'finished',
  Postponed = 'postponed',
  Cancelled = 'cancelled',
}

/**
 * One real match, whatever the source. Identity across sources is (home, away, UTC date): two
 * teams never meet twice on one day, and different sources disagree on kick-off times.
 */
@Entity({ tableName: 'matches', repository: () => MatchRepository })
@Unique({ name: 'matches_identity_unique', properties: ['homeTeam', 'awayTeam', 'matchDate'] })
@Index({ name: 'matches_competition_kickoff_idx', properties: ['competition', 'kickoff'] })
@Index({ name: 'matches_home_kickoff_idx', properties: ['homeTeam', 'kickoff'] })
@Index({ name: 'matches_away_kickoff_idx', properties: ['awayTeam', 'kickoff'] })
@Index({ name: 'matches_status_kickoff_idx', properties: ['status', 'kickoff'] })
@Index({ name: 'matches_season_idx', properties: ['season'] })
// The importer and the team merge refuse a team playing itself; the database does too.
@Check({ name: 'matches_teams_differ', expression: 'home_team_id <> away_team_id' })
export class Match {
  [EntityRepositoryType]?: MatchRepository;

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Competition)
  competition!: Competition;

  @Property()
  season!: string;

  @Index({ name: 'matches_kickoff_idx' })
  @Property({ type: 'datetime' })
  kickoff!: Date;

  /** The UTC calendar day of the kick-off (part of the cross-source identity). */
  @Property({ type: 'date' })
  matchDate!: string;

  @ManyToOne(() => Team)
  homeTeam!: Team;

  @ManyToOne(() => Team)
  awayTeam!: Team;

  @Enum({ items: () => MatchStatus, nativeEnumName: 'match_status' })
  status!: MatchStatus;

  @Property({ type: 'smallint', nullable: true })
  homeGoals: number | null = null;

  @Property({ type: 'smallint', nullable: true })
  awayGoals: number | null = null;

  @Property({ type: 'smallint', nullable: true })
  homeGoalsHalfTime: number | null = null;

  @Property({ type: 'smallint', nullable: true })
  awayGoalsHalfTime: number | null = null;

  @Property({ default: false })
  neutral: boolean & Opt = false;

  /**
   * While the match is cancelled: when, by whom (`admin`, or the source whose row said so) and,
   * for an admin, why. Cleared when a result arrives for it after all.
   */
  @Property({ type: 'datetime', nullable: true })
  cancelledAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  cancelledBy: string | null = null;

  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  /** The source that first reported the match; every source's key is in match_source_refs. */
  @Property()
  source!: string;

  @Property()
  sourceKey!: string;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}

/**
 * Every (source, key) that names a match, so re-imports find it even if another source moved its
 * date. A rescheduled match's old key of the same source is kept as superseded (the key no longer
 * finds the match; it tells an older listing of a match played since from a new fixture), and is
 * dropped if the match moves back to a key it had.
 */
@Entity({ tableName: 'match_source_refs' })
export class MatchSourceRef {
  [PrimaryKeyProp]?: ['source', 'sourceKey'];

  @PrimaryKey({ type: 'text' })
  source!: string;

  @PrimaryKey({ type: 'text' })
  sourceKey!: string;

  @Index({ name: 'match_source_refs_match_idx' })
  @ManyToOne(() => Match, { deleteRule: 'cascade' })
  match!: Match;

  /** The match's former key (it was rescheduled away from this one): see MatchWriteRepository. */
  @Property({ default: false })
  superseded: boolean & Opt = false;
}
