import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { NotFoundProblem, UnauthorizedProblem } from '../../common/problem/problem.exception';
import { AuditService } from '../audit/audit.service';
import { RefreshToken, User } from '../entities';
import type { RequestMeta } from '../http/request-meta';
import type { SessionHistoryRow, SessionRow } from '../repositories/refresh-token.repository';
import { AccessTokens } from '../tokens/access-tokens';
import { hashToken, looksLikeOpaqueToken, newOpaqueToken } from '../tokens/opaque-token';

export const REFRESH_TOKEN_PREFIX = 'oxr';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

/** Sign-in sessions: an access token plus a rotating refresh token per session (family). */
@Injectable()
export class SessionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditService,
  ) {}

  /** Starts a session (familyId undefined) or continues one with a new token pair. */
  async issue(
    user: Pick<User, 'id' | 'role' | 'sessionVersion'>,
    meta: RequestMeta,
    familyId?: string,
  ): Promise<TokenPair> {
    const { token, hash } = newOpaqueToken(REFRESH_TOKEN_PREFIX);
    const ttlMs = this.config.refreshTokenTtlMs;
    const em = this.em.fork();
    em.create(RefreshToken, {
      familyId: familyId ?? randomUUID(),
      user: em.getReference(User, user.id),
      tokenHash: hash,
      expiresAt: new Date(Date.now() + ttlMs),
      userAgent: meta.userAgent,
      ip: meta.ip,
    });
    await em.flush();
    const access = await this.accessTokens.sign(user.id, user.role, user.sessionVersion);
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: token,
      refreshExpiresIn: Math.floor(ttlMs / 1000),
    };
  }

  /**
   * Rotates a refresh token. A token that was used already is a stolen copy (or the thief's use
   * made the owner's copy stale): the whole family is revoked and both lose it. A token revoked
   * without ever being used only belongs to a session that ended (logout, sign-out everywhere,
   * password or role change, disabling, or an earlier reuse): it is refused, nothing more.
   */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
    const invalid = () =>
      new UnauthorizedProblem('the refresh token is invalid, expired or revoked');
    if (!looksLikeOpaqueToken(refreshToken, REFRESH_TOKEN_PREFIX)) throw invalid();
    const em = this.em.fork();
    const repository = em.getRepository(RefreshToken);
    const stored = await repository.findOne(
      { tokenHash: hashToken(refreshToken) },
      { populate: ['user'] },
    );
    if (!stored) throw invalid();
    if (stored.revokedAt && !stored.usedAt) {
      // Audited, but not as reuse: a client still holding the token of a session it ended is
      // routine, and an alarm for it would drown the real ones. A copy stolen before the session
      // ended is dead already; the entries still show who kept trying one, and from where.
      if (stored.expiresAt > new Date()) {
        await this.audit.record({
          action: 'auth.refresh_revoked',
          outcome: 'denied',
          actor: { userId: stored.user.id },
          target: { sessionId: stored.familyId },
          meta,
        });
      }
      throw invalid();
    }
    // Used before, or used (or revoked) by a concurrent request since it was read: reuse or a
    // race with it, so the family goes.
    if (stored.usedAt || !(await repository.claim(stored.id))) {
      if (stored.expiresAt > new Date()) {
        const revoked = await repository.revokeFamily(stored.familyId);
        // Either holder may be the thief, and both hold the session's access tokens: admin
        // routes refuse every token of the account signed before now (others expire in the TTL).
        await em.getRepository(User).revokeSessions(stored.user.id);
        await this.audit.record({
          action: 'auth.refresh_reuse',
          outcome: 'denied',
          actor: { userId: stored.user.id },
          target: { sessionId: stored.familyId },
          details: { tokensRevoked: revoked },
          meta,
        });
      }
      throw invalid();
    }
    if (stored.user.disabledAt) throw invalid();
    return this.issue(stored.user, meta, stored.familyId);
  }

  /** Ends the session the refresh token belongs to; unknown tokens are ignored (idempotent). */
  async logout(refreshToken: string, meta: RequestMeta): Promise<void> {
    if (!looksLikeOpaqueToken(refreshToken, REFRESH_TOKEN_PREFIX)) return;
    const em = this.em.fork();
    const stored = await em.findOne(RefreshToken, { tokenHash: hashToken(refreshToken) });
    if (!stored) return;
    const userId = stored.user.id;
    await em.getRepository(RefreshToken).revokeFamily(stored.familyId);
    await this.audit.record({
      action: 'auth.logout',
      actor: { userId },
      target: { sessionId: stored.familyId },
      meta,
    });
  }

  sessionsOf(userId: string): Promise<SessionRow[]> {
    return this.em.fork().getRepository(RefreshToken).sessionsOf(userId);
  }

  historyOf(userId: string): Promise<SessionHistoryRow[]> {
    return this.em.fork().getRepository(RefreshToken).historyOf(userId);
  }

  /** Revokes one of the user's own sessions; 404 for any id that is not theirs. */
  async revokeSession(userId: string, sessionId: string): Promise<void> {
    const revoked = await this.em
      .fork()
      .getRepository(RefreshToken)
      .revokeFamily(sessionId, userId);
    if (revoked === 0) throw new NotFoundProblem('session', sessionId);
  }

  /** Signs out everywhere: every refresh token, and admin routes for older access tokens. */
  async revokeAll(userId: string): Promise<number> {
    return this.em.fork().transactional(async (tx) => {
      await tx.getRepository(User).revokeSessions(userId);
      return tx.getRepository(RefreshToken).revokeAllOf(userId);
    });
  }
}
