import { EntityRepository } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { containsPattern } from '../../common/db/like';
import type { Role } from '../../common/auth/roles';
import type { User } from '../entities/user.entity';

export interface UserFilter {
  role?: Role;
  email?: string;
  offset: number;
  limit: number;
}

export class UserRepository extends EntityRepository<User> {
  findByEmail(email: string, withPasswordHash = false): Promise<User | null> {
    return this.findOne({ email }, withPasswordHash ? { populate: ['passwordHash'] } : {});
  }

  /** Admins who can still sign in (the last one may not be demoted, disabled or erased). */
  countActiveAdmins(): Promise<number> {
    return this.count({ role: 'admin', disabledAt: null });
  }

  /**
   * Revokes the account's access tokens on admin routes (its refresh tokens are the caller's to
   * revoke): sets sessionsRevokedAt and moves sessionVersion on, in one atomic statement, so two
   * concurrent revocations both count and no token signed before either keeps its admin rights.
   */
  async revokeSessions(userId: string): Promise<void> {
    await this.getEntityManager().execute(
      `update users set sessions_revoked_at = ?, session_version = session_version + 1
        where id = ?`,
      [new Date(), userId],
      'run',
    );
  }

  async search(filter: UserFilter): Promise<{ items: User[]; total: number }> {
    const where: FilterQuery<User> = {};
    if (filter.role) where.role = filter.role;
    if (filter.email) where.email = { $ilike: containsPattern(filter.email) };
    const [items, total] = await this.findAndCount(where, {
      orderBy: { createdAt: 'asc', id: 'asc' },
      offset: filter.offset,
      limit: filter.limit,
    });
    return { items, total };
  }
}
