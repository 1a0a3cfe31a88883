import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { ApiKeyRepository } from '../repositories/api-key.repository';
import { randomUUID } from 'node:crypto';
import type { ApiKeyScope } from '../../common/auth/roles';
import { User } from './user.entity';

/** A programmatic client's key, stored as its SHA-256; the secret is shown once, at creation. */
@Entity({ tableName: 'api_keys', repository: () => ApiKeyRepository })
export class ApiKey {
  [EntityRepositoryType]?: ApiKeyRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Index({ name: 'api_keys_user_idx' })
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  name!: string;

  /** The key's first characters, shown in lists so a user can tell keys apart. */
  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'text', unique: true })
  keyHash!: string;

  @Property({ type: 'json' })
  scopes!: ApiKeyScope[];

  /** Rate-limit plan (API_KEY_PLANS). */
  @Property({ type: 'text' })
  plan!: string;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
