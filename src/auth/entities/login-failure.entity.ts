import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType } from '@mikro-orm/core';
import { LoginFailureRepository } from '../repositories/login-failure.repository';

/**
 * Failed sign-ins counted per key: `account:<normalised e-mail>` (whether or not such an account
 * exists, so the lock reveals nothing) and `ip:<client address>`. Kept in PostgreSQL so every
 * replica sees the same counts.
 */
@Entity({ tableName: 'login_failures', repository: () => LoginFailureRepository })
export class LoginFailure {
  [EntityRepositoryType]?: LoginFailureRepository;

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'integer' })
  failures!: number;

  @Property({ type: 'datetime' })
  lastFailureAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  lockedUntil: Date | null = null;
}
