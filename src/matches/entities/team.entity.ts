import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { TeamRepository } from '../repositories/team.repository';

@Entity({ tableName: 'teams', repository: () => TeamRepository })
export class Team {
  [EntityRepositoryType]?: TeamRepository;

  @PrimaryKey()
  id!: number;

  @Index()
  @Property()
  name!: string;

  @Property({ type: 'text', nullable: true })
  country: string | null = null;

  /** Set when an admin merged this team into another; merged teams are kept for provenance. */
  @Property({ type: 'integer', nullable: true })
  mergedIntoId: number | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}

export type AliasOrigin = 'canonical' | 'curated' | 'import' | 'admin';

/** One spelling of a team. The normalised key is unique, so a spelling names exactly one team. */
@Entity({ tableName: 'team_aliases' })
export class TeamAlias {
  @PrimaryKey()
  id!: number;

  @Index({ name: 'team_aliases_team_idx' })
  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team!: Team;

  @Property()
  alias!: string;

  @Property({ unique: true })
  normalisedKey!: string;

  @Property({ type: 'text' })
  origin!: AliasOrigin;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
