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
   * When the account's sessions were last revoked (password change, role change, disabling and
   * "sign out everywhere"; UserRepository.revokeSessions). Admin routes judge access tokens
   * signed without a session version (before it existed) by it: those issued in an earlier
   * second no longer open them. Other routes trust a token until it expires, at most
   * JWT_ACCESS_TTL_SECONDS later.
   */
  @Property({ type: 'datetime', nullable: true })
  sessionsRevokedAt: Date | null = null;

  /**
   * Moves on by one in the same statement that sets sessionsRevokedAt. Access tokens carry the
   * version they were signed under (claim `sv`) and admin routes refuse a lower one: unlike the
   * whole-second issue time, this also tells apart a token issued in the same second before
   * the revocation.
   */
  @Property({ type: 'int', default: 0 })
  sessionVersion: number & Opt = 0;
}
