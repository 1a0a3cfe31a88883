import { EntityRepository } from '@mikro-orm/postgresql';
import type { RefreshToken } from '../entities';

export interface SessionRow {
  familyId: string;
  startedAt: Date;
  lastRefreshedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export interface SessionHistoryRow {
  sessionId: string;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  userAgent: string | null;
  ip: string | null;
}

/** Refresh token rotation: every statement that decides a token's fate is a single atomic one. */
export class RefreshTokenRepository extends EntityRepository<RefreshToken> {
  /** Marks the token used if and only if it was still live; false means someone used it first. */
  async claim(id: string): Promise<boolean> {
    const result = (await this.getEntityManager().execute(
      `update refresh_tokens set used_at = now()
        where id = ? and used_at is null and revoked_at is null and expires_at > now()`,
      [id],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows === 1;
  }

  /** Revokes every live token of a family; returns how many were live. */
  async revokeFamily(familyId: string, userId?: string): Promise<number> {
    const result = (await this.getEntityManager().execute(
      `update refresh_tokens set revoked_at = now()
        where family_id = ? and revoked_at is null ${userId ? 'and user_id = ?' : ''}`,
      userId ? [familyId, userId] : [familyId],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows;
  }

  async revokeAllOf(userId: string): Promise<number> {
    const result = (await this.getEntityManager().execute(
      `update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null`,
      [userId],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows;
  }

  /**
   * Every refresh token stored for the user, live or not, oldest first, without its hash: each
   * keeps the address and user agent it was issued to (for the personal data export).
   */
  async historyOf(userId: string): Promise<SessionHistoryRow[]> {
    const rows = await this.find(
      { user: userId },
      {
        fields: ['familyId', 'createdAt', 'expiresAt', 'usedAt', 'revokedAt', 'userAgent', 'ip'],
        orderBy: { createdAt: 'asc', id: 'asc' },
      },
    );
    return rows.map((r) => ({
      sessionId: r.familyId,
      issuedAt: r.createdAt,
      expiresAt: r.expiresAt,
      usedAt: r.usedAt,
      revokedAt: r.revokedAt,
      userAgent: r.userAgent,
      ip: r.ip,
    }));
  }

  /** The user's live sessions: one per family that still has an unused, unexpired token. */
  async sessionsOf(userId: string): Promise<SessionRow[]> {
    const rows = await this.getEntityManager().execute<
      Array<{
        family_id: string;
        started_at: Date;
        created_at: Date;
        expires_at: Date;
        user_agent: string | null;
        ip: string | null;
      }>
    >(
      `select t.family_id, t.created_at, t.expires_at, t.user_agent, t.ip,
              (select min(f.created_at) from refresh_tokens f where f.family_id = t.family_id) as started_at
         from refresh_tokens t
        where t.user_id = ? and t.used_at is null and t.revoked_at is null and t.expires_at > now()
        order by t.created_at desc`,
      [userId],
    );
    return rows.map((r) => ({
      familyId: r.family_id,
      startedAt: new Date(r.started_at),
      lastRefreshedAt: new Date(r.created_at),
      expiresAt: new Date(r.expires_at),
      userAgent: r.user_agent,
      ip: r.ip,
    }));
  }
}
