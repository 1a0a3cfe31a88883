import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import type { Role } from '../../common/auth/roles';
import { UnauthorizedProblem, ValidationProblem } from '../../common/problem/problem.exception';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';
import type { User } from '../entities';
import type { RequestMeta } from '../http/request-meta';
import { PasswordHasher } from '../passwords/password-hasher';
import { SessionsService } from '../sessions/sessions.service';
import { PersonalDataRegistry } from './personal-data.registry';
import { UsersService } from './users.service';

/** Account use cases that span users, sessions, keys and the audit log (erasure, export). */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly personalData: PersonalDataRegistry,
  ) {}

  /** Everything stored about the account, as JSON (GDPR art. 15 and 20). */
  async export(userId: string) {
    // A token outlives an erased account by at most its lifetime: 401 like GET /v1/me, not a
    // 404 naming the account.
    const user = await this.users.find(userId);
    if (!user) throw new UnauthorizedProblem('this account no longer exists');
    const [sessions, sessionHistory, apiKeys, auditEntries, otherSections] = await Promise.all([
      this.sessions.sessionsOf(userId),
      this.sessions.historyOf(userId),
      this.apiKeys.list(userId),
      this.audit.ofActor(userId),
      this.personalData.collect(userId),
    ]);
    return {
      exportedAt: new Date(),
      account: {
        id: user.id,
        email: user.email,
        role: user.role,
        createdAt: user.createdAt,
        passwordChangedAt: user.passwordChangedAt,
        lastLoginAt: user.lastLoginAt,
        disabledAt: user.disabledAt,
      },
      sessions,
      // Ended sessions' tokens stay stored with their address and user agent: held, so shown.
      sessionHistory,
      apiKeys: apiKeys.map(
        ({ id, name, prefix, scopes, plan, createdAt, expiresAt, lastUsedAt, revokedAt }) => ({
          id,
          name,
          prefix,
          scopes,
          plan,
          createdAt,
          expiresAt,
          lastUsedAt,
          revokedAt,
        }),
      ),
      auditEntries: auditEntries.map((row) => ({
        occurredAt: new Date(row.occurred_at),
        action: row.action,
        outcome: row.outcome,
        target: row.target,
        ip: row.ip,
        requestId: row.request_id,
      })),
      ...otherSections,
    };
  }

  /** The user erases their own account, confirming with their password. */
  async eraseSelf(principal: Principal, password: string, meta: RequestMeta): Promise<void> {
    const user = await this.users.withPasswordHash(principal.userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, password))) {
      throw new ValidationProblem([
        { field: 'password', reason: 'password is not the current password' },
      ]);
    }
    await this.erase(user.id, principal, meta);
  }

  /**
   * Deletes the account with its sessions, keys and invitation. Audit entries stay untouched:
   * they name the account by its random id only, which identifies nobody once the account row
   * is gone (the pseudonym the entries keep).
   */
  async erase(userId: string, actor: Principal, meta: RequestMeta): Promise<void> {
    await this.users.erase(userId);
    this.apiKeys.forgetUser(userId);
    await this.audit.record({ action: 'user.erase', actor, target: { userId }, meta });
  }

  async update(
    userId: string,
    change: { role?: Role; disabled?: boolean },
    actor: Principal,
    meta: RequestMeta,
  ): Promise<User> {
    const user = await this.users.update(userId, change);
    this.apiKeys.forgetUser(userId);
    await this.audit.record({
      action: 'user.update',
      actor,
      target: { userId },
      details: change,
      meta,
    });
    return user;
  }
}
