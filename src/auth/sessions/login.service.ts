import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../config/app-config';
import {
  TooManyAttemptsProblem,
  UnauthorizedProblem,
  ValidationProblem,
} from '../../common/problem/problem.exception';
import { AuditService, type AuditRecord } from '../audit/audit.service';
import { LoginFailure } from '../entities';
import type { RequestMeta } from '../http/request-meta';
import { PasswordHasher } from '../passwords/password-hasher';
import { normaliseEmail, UsersService } from '../users/users.service';
import { SessionsService, TokenPair } from './sessions.service';

/** Failures of one account name answered at full speed before the back-off starts. */
const FREE_FAILURES = 2;
const BACKOFF_BASE_SECONDS = 1;

/** Seconds an account name must wait after `failures` failures before the next attempt. */
export function backoffSeconds(failures: number): number {
  return failures <= FREE_FAILURES ? 0 : BACKOFF_BASE_SECONDS * 2 ** (failures - FREE_FAILURES - 1);
}

const INVALID_CREDENTIALS = 'the e-mail address or the password is wrong';
const LOCKED = 'too many failed sign-ins: try again later';

/**
 * Password sign-in with brute-force protection. Failures are counted per account name and per
 * client address: after two, each further attempt on that name must wait 1, 2, 4 ... seconds;
 * at LOGIN_MAX_FAILURES (per name) or LOGIN_MAX_FAILURES_PER_IP (per address) the key is locked
 * for LOGIN_LOCK_SECONDS. Unknown names are counted, slowed and locked exactly like real ones,
 * and answered with the same message after the same work, so nothing tells them apart.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  async login(email: string, password: string, meta: RequestMeta): Promise<TokenPair> {
    const accountKey = `account:${normaliseEmail(email)}`;
    const ipKey = `ip:${meta.ip}`;
    const failures = this.em.fork().getRepository(LoginFailure);
    const user = await this.users.findByEmail(email, true);
    const actor = user ? { userId: user.id } : null;

    await this.refuseWhileLocked('auth.login', accountKey, ipKey, actor, meta);

    const valid = await this.hasher.verify(user?.passwordHash, password);
    if (!valid || !user || user.disabledAt) {
      const { lockout } = await this.countFailure(accountKey, ipKey);
      await this.audit.record({
        action: 'auth.login',
        outcome: 'failure',
        actor,
        details: { reason: user?.disabledAt && valid ? 'disabled' : 'invalid-credentials' },
        meta,
      });
      await this.auditLockout(lockout, actor, meta);
      throw new UnauthorizedProblem(INVALID_CREDENTIALS);
    }

    await failures.clear(accountKey);
    if (this.hasher.needsRehash(user.passwordHash)) await this.users.upgradeHash(user.id, password);
    await this.users.recordLogin(user.id);
    const tokens = await this.sessions.issue(user, meta);
    await this.audit.record({ action: 'auth.login', actor, meta });
    return tokens;
  }

  /**
   * Confirms a signed-in account's password (password change, erasure) under the same counting,
   * back-off and lock as sign-in: otherwise a stolen access token allowed unlimited guesses at
   * the password (up to the account's rate limit), and with the right one a takeover.
   */
  async confirmPassword(
    userId: string,
    password: string,
    field: string,
    meta: RequestMeta,
  ): Promise<void> {
    const user = await this.users.withPasswordHash(userId);
    if (!user) throw new UnauthorizedProblem('this account no longer exists');
    const accountKey = `account:${user.email}`;
    const ipKey = `ip:${meta.ip}`;
    const actor = { userId };
    await this.refuseWhileLocked('auth.password_confirm', accountKey, ipKey, actor, meta);
    if (await this.hasher.verify(user.passwordHash, password)) {
      await this.em.fork().getRepository(LoginFailure).clear(accountKey);
      return;
    }
    const { lockout } = await this.countFailure(accountKey, ipKey);
    await this.audit.record({ action: 'auth.password_confirm', outcome: 'failure', actor, meta });
    await this.auditLockout(lockout, actor, meta);
    throw new ValidationProblem([{ field, reason: `${field} is not the current password` }]);
  }

  /** 429 while the account name or the address is locked or must wait (audited as `action`). */
  private async refuseWhileLocked(
    action: string,
    accountKey: string,
    ipKey: string,
    actor: { userId: string } | null,
    meta: RequestMeta,
  ): Promise<void> {
    const failures = this.em.fork().getRepository(LoginFailure);
    for (const state of await failures.states([accountKey, ipKey])) {
      const wait =
        state.lockedForSeconds > 0
          ? state.lockedForSeconds
          : state.key === accountKey
            ? backoffSeconds(state.failures) - state.secondsSinceLastFailure
            : 0;
      if (wait > 0) {
        await this.audit.record({
          action,
          outcome: 'denied',
          actor,
          details: {
            reason: state.lockedForSeconds > 0 ? 'locked' : 'backoff',
            by: keyKind(state.key),
          },
          meta,
        });
        throw new TooManyAttemptsProblem(LOCKED, wait);
      }
    }
  }

  /** The lockout a failure just caused, if any (sign-in and password confirmation alike). */
  private async auditLockout(
    lockout: Array<'account' | 'ip'>,
    actor: AuditRecord['actor'],
    meta: RequestMeta,
  ): Promise<void> {
    if (lockout.length === 0) return;
    await this.audit.record({
      action: 'auth.lockout',
      outcome: 'denied',
      actor,
      details: { by: lockout, lockSeconds: this.config.loginLockout.lockSeconds },
      meta,
    });
  }

  private async countFailure(
    accountKey: string,
    ipKey: string,
  ): Promise<{ lockout: Array<'account' | 'ip'> }> {
    const { maxFailures, maxFailuresPerIp, lockSeconds } = this.config.loginLockout;
    const failures = this.em.fork().getRepository(LoginFailure);
    const account = await failures.recordFailure(accountKey, maxFailures, lockSeconds);
    const ip = await failures.recordFailure(ipKey, maxFailuresPerIp, lockSeconds);
    const lockout: Array<'account' | 'ip'> = [];
    if (account.lockedNow && account.failures === maxFailures) lockout.push('account');
    if (ip.lockedNow && ip.failures === maxFailuresPerIp) lockout.push('ip');
    return { lockout };
  }
}

function keyKind(key: string): 'account' | 'ip' {
  return key.startsWith('ip:') ? 'ip' : 'account';
}
