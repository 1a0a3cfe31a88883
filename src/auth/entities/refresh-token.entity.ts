import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { RefreshTokenRepository } from '../repositories/refresh-token.repository';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity';

/**
 * One refresh token, stored as its SHA-256 (the token is 256 random bits, so a fast hash is
 * enough). Every use rotates it: the used token is marked and a new one of the same family (one
 * sign-in session) is issued. Presenting a used token again revokes the whole family; a token
 * revoked unused (its session ended) is merely refused.
 */
@Entity({ tableName: 'refresh_tokens', repository: () => RefreshTokenRepository })
export class RefreshToken {
  [EntityRepositoryType]?: RefreshTokenRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Index({ name: 'refresh_tokens_family_idx' })
  @Property({ type: 'uuid' })
  familyId!: string;

  @Index({ name: 'refresh_tokens_user_idx' })
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  /** Set when the token was rotated (RefreshTokenRepository.claim); it stays set once revoked. */
  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;

  /** Set when its family was revoked (logout, sign-out everywhere, reuse...), used or not. */
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'text', nullable: true })
  ip: string | null = null;
}
