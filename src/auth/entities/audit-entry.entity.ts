import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { EntityRepositoryType, Opt } from '@mikro-orm/core';
import { AuditRepository } from '../repositories/audit.repository';

export type AuditActorType = 'user' | 'anonymous' | 'system';
export type AuditOutcome = 'success' | 'failure' | 'denied';

/**
 * One entry of the append-only audit log. PostgreSQL itself refuses UPDATE, DELETE and TRUNCATE
 * on the table (triggers, declared on the entity and created by the migration). Entries hold no e-mail addresses or names: people
 * appear as their random account id, which erasing the account turns into a pseudonym.
 */
/** Raised by the triggers below for every UPDATE, DELETE or TRUNCATE, whoever runs it. */
const REFUSE = `raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';`;

@Entity({
  tableName: 'audit_log',
  repository: () => AuditRepository,
  // Declared here (not only in a migration) so schema diffs keep them instead of dropping them.
  triggers: [
    {
      name: 'audit_log_no_update_delete',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: REFUSE,
    },
    {
      name: 'audit_log_no_truncate',
      timing: 'before',
      events: ['truncate'],
      forEach: 'statement',
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
