import { EntityRepository } from '@mikro-orm/postgresql';
import { escapeLike } from '../../common/db/like';
import type { AuditEntry, AuditOutcome } from '../entities/audit-entry.entity';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
  offset: number;
  /** null: every matching entry (the export must not stop at some page). */
  limit: number | null;
}

export interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  actor_email: string | null;
  api_key_id: string | null;
  action: string;
  target: Record<string, unknown> | null;
  outcome: AuditOutcome;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

/** Inserts and reads only: the table refuses UPDATE and DELETE anyway. */
export class AuditRepository extends EntityRepository<AuditEntry> {
  async append(entry: Omit<AuditEntry, 'id' | 'occurredAt'>): Promise<void> {
    await this.getEntityManager().execute(
      `insert into audit_log (actor_type, actor_id, api_key_id, action, target, outcome, ip, request_id, details)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        entry.actorType,
        entry.actorId,
        entry.apiKeyId,
        entry.action,
        entry.target === null ? null : JSON.stringify(entry.target),
        entry.outcome,
        entry.ip,
        entry.requestId,
        entry.details === null ? null : JSON.stringify(entry.details),
      ],
      'run',
    );
  }

  /** Newest first, with the actor's e-mail while the account exists (null once erased). */
  async search(filter: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      conditions.push(sql);
      params.push(value);
    };
    if (filter.actorId) add('a.actor_id = ?', filter.actorId);
    if (filter.action) add(`a.action like ? escape '\\'`, `${escapeLike(filter.action)}%`);
    if (filter.outcome) add('a.outcome = ?', filter.outcome);
    if (filter.from) add('a.occurred_at >= ?', filter.from);
    if (filter.to) add('a.occurred_at < ?', filter.to);
    const where = conditions.length ? `where ${conditions.join(' and ')}` : '';
    const em = this.getEntityManager();
    const [{ total }] = await em.execute<Array<{ total: string }>>(
      `select count(*) as total from audit_log a ${where}`,
      params,
    );
    const rows = await em.execute<AuditRow[]>(
      `select a.id, a.occurred_at, a.actor_type, a.actor_id, u.email as actor_email, a.api_key_id,
              a.action, a.target, a.outcome, a.ip, a.request_id, a.details
         from audit_log a left join users u on u.id = a.actor_id
         ${where} order by a.id desc limit ? offset ?`,
      [...params, filter.limit, filter.offset],
    );
    return { rows, total: Number(total) };
  }

  /** Every entry naming `userId` as actor (for the personal data export). */
  async ofActor(userId: string): Promise<AuditRow[]> {
    // No cap: GDPR art. 15 asks for all of it, and an admin's calls alone exceed any page.
    return (await this.search({ actorId: userId, offset: 0, limit: null })).rows;
  }
}
