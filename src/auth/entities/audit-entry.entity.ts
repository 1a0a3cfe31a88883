import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { AuditRepository } from '../repositories/audit.repository';

export type AuditActorType = 'user' | 'anonymous' | 'system';
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** Raised by the trigger below for every UPDATE or DELETE, whoever runs it. */
const REFUSE = `raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';`;

/**
 * One entry of the append-only audit log. PostgreSQL itself refuses UPDATE, DELETE and TRUNCATE
 * on the table (triggers: see the auth migrations). Entries hold no e-mail addresses or names:
 * people appear as their random account id, which erasing the account turns into a pseudonym.
 */
@Entity({
  tableName: 'audit_log',
  repository: () => AuditRepository,
  // Declared here (not only in a migration) so schema diffs keep it instead of dropping it. The
  // TRUNCATE trigger lives in the migration only: introspection does not see TRUNCATE triggers.
  triggers: [
    {
      name: 'audit_log_no_update_delete',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: REFUSE,
    },
  ],
})
export class AuditEntry {
  [EntityRepositoryType]?: AuditRepository;

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Index({ name: 'audit_log_occurred_at_idx' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  occurredAt: Date & Opt = new Date();

  @Property({ type: 'text' })
  actorType!: AuditActorType;

  @Index({ name: 'audit_log_actor_idx' })
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  apiKeyId: string | null = null;

  @Index({ name: 'audit_log_action_idx' })
  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'json', nullable: true })
  target: Record<string, unknown> | null = null;

  @Property({ type: 'text' })
  outcome!: AuditOutcome;

  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  @Property({ type: 'text', nullable: true })
  requestId: string | null = null;

  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;
}
