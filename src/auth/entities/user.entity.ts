import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../common/auth/roles';
import { UserRepository } from '../repositories/user.repository';

/** An account. Its id is random, so audit entries naming it identify nobody once it is erased. */
@Entity({ tableName: 'users', repository: () => UserRepository })
export class User {
  [EntityRepositoryType]?: UserRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  /** Lower-cased and trimmed; unique. */
  @Property({ type: 'text', unique: true })
  email!: string;

  /** argon2id, PHC string format (algorithm, parameters and salt included). */
  @Property({ type: 'text', lazy: true })
  passwordHash!: string;

  @Enum({ items: [...ROLES] })
  role!: Role;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime' })
  passwordChangedAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null = null;

  /** Disabled accounts cannot sign in, refresh, or use their API keys. */
  @Property({ type: 'datetime', nullable: true })
  disabledAt: Date | null = null;

  /**
   * Access tokens issued before this moment no longer open admin routes (set on password
   * change, role change, disabling and "sign out everywhere"); other routes trust a token until
   * it expires, at most JWT_ACCESS_TTL_SECONDS later.
   */
  @Property({ type: 'datetime', nullable: true })
  sessionsRevokedAt: Date | null = null;
}
