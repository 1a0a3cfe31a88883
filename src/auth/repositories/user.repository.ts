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
