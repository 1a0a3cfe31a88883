import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/principal';
import { AuditEntry, type AuditOutcome } from '../entities';
import type { AuditFilter, AuditRow } from '../repositories/audit.repository';
import type { RequestMeta } from '../http/request-meta';

export interface AuditRecord {
  /** Dotted verb, e.g. `auth.login`, `apikey.revoke`, or `POST /v1/imports` for admin routes. */
  action: string;
  outcome?: AuditOutcome;
  /** Who did it: a caller, an account id (e.g. a sign-in), or nobody known (anonymous). */
  actor?: Principal | { userId: string } | 'system' | null;
  /** What it was done to (ids only: never e-mail addresses or other personal data). */
  target?: Record<string, unknown> | null;
  details?: Record<string, unknown> | null;
  /** Client address and request id. */
  meta?: Pick<RequestMeta, 'ip' | 'requestId'>;
}

/**
 * The audit log's one writer. Other modules record their security-relevant actions here; calls
 * to `@AdminRoute()` routes are recorded automatically (AdminAuditHook).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly em: EntityManager) {}

  async record(record: AuditRecord): Promise<void> {
    const actor = record.actor;
    const entry: Omit<AuditEntry, 'id' | 'occurredAt'> = {
      actorType: actor === 'system' ? 'system' : actor ? 'user' : 'anonymous',
      actorId: actor && actor !== 'system' ? actor.userId : null,
      apiKeyId:
        actor && actor !== 'system' && 'apiKeyId' in actor ? (actor.apiKeyId ?? null) : null,
      action: record.action,
      target: record.target ?? null,
      outcome: record.outcome ?? 'success',
      ip: record.meta?.ip ?? null,
      requestId: record.meta?.requestId ?? null,
      details: record.details ?? null,
    };
    try {
      await this.em.fork().getRepository(AuditEntry).append(entry);
    } catch (error) {
      // Fail closed: a security event that cannot be recorded must not pass silently.
      this.logger.error({ err: error, action: record.action }, 'audit entry could not be written');
      throw error;
    }
  }

  search(filter: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
    return this.em.fork().getRepository(AuditEntry).search(filter);
  }

  ofActor(userId: string): Promise<AuditRow[]> {
    return this.em.fork().getRepository(AuditEntry).ofActor(userId);
  }
}
