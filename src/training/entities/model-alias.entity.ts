import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Opt, PrimaryKeyProp } from '@mikro-orm/core';
import { ModelVersion } from './model-version.entity';

export const MODEL_ALIASES = ['champion', 'challenger'] as const;
export type ModelAliasName = (typeof MODEL_ALIASES)[number];

/** Which version holds an alias in a scope right now. */
@Entity({ tableName: 'model_aliases' })
export class ModelAlias {
  [PrimaryKeyProp]?: ['scope', 'alias'];

  @PrimaryKey({ type: 'text' })
  scope!: string;

  @PrimaryKey({ type: 'text' })
  alias!: ModelAliasName;

  @ManyToOne(() => ModelVersion)
  version!: ModelVersion;

  @Property({ type: 'datetime' })
  updatedAt: Date & Opt = new Date();
}

export type AliasAction = 'promote' | 'rollback' | 'auto-promote' | 'clear';

/** Every change of an alias, so a rollback knows what came before and history is visible. */
@Entity({ tableName: 'model_alias_events' })
@Index({ name: 'model_alias_events_scope_idx', properties: ['scope', 'alias', 'id'] })
export class ModelAliasEvent {
  @PrimaryKey()
  id!: number;

  @Property({ type: 'text' })
  scope!: string;

  @Property({ type: 'text' })
  alias!: ModelAliasName;

  @Property({ type: 'uuid', nullable: true })
  versionId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  previousVersionId: string | null = null;

  @Property({ type: 'text' })
  action!: AliasAction;

  @Property({ type: 'text', nullable: true })
  actor: string | null = null;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Property({ type: 'datetime' })
  at: Date & Opt = new Date();
}
