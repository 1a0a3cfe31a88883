import { Entity, ManyToOne, PrimaryKey, Property, Enum } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { InvitationRepository } from '../repositories/invitation.repository';
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../common/auth/roles';
import { User } from './user.entity';

/** An admin's invitation to register one e-mail address with a role (REGISTRATION=invitation). */
@Entity({ tableName: 'invitations', repository: () => InvitationRepository })
export class Invitation {
  [EntityRepositoryType]?: InvitationRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ type: 'text' })
  email!: string;

  @Enum({ items: [...ROLES] })
  role!: Role;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy: User | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  /** The account registered with it (erasing that account erases the invitation too). */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'cascade' })
  acceptedBy: User | null = null;

  @Property({ type: 'datetime', nullable: true })
  acceptedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
