import { EntityRepository } from '@mikro-orm/postgresql';
import type { ApiKeyScope, Role } from '../../common/auth/roles';
import type { ApiKey } from '../entities/api-key.entity';

export interface ApiKeyOwner {
  keyId: string;
  userId: string;
  role: Role;
  scopes: ApiKeyScope[];
  plan: string;
  expiresAt: Date | null;
}

export class ApiKeyRepository extends EntityRepository<ApiKey> {
  /** The live key with this hash and its owner's current role, or undefined. */
  async findLiveByHash(keyHash: string): Promise<ApiKeyOwner | undefined> {
    const [row] = await this.getEntityManager().execute<
      Array<{
        id: string;
        user_id: string;
        role: Role;
        scopes: ApiKeyScope[];
        plan: string;
        expires_at: Date | null;
      }>
    >(
      `select k.id, k.user_id, u.role, k.scopes, k.plan, k.expires_at
         from api_keys k join users u on u.id = k.user_id
        where k.key_hash = ? and k.revoked_at is null and u.disabled_at is null
          and (k.expires_at is null or k.expires_at > now())`,
      [keyHash],
    );
    return row
      ? {
          keyId: row.id,
          userId: row.user_id,
          role: row.role,
          scopes: row.scopes,
          plan: row.plan,
          expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
        }
      : undefined;
  }

  listOf(userId: string): Promise<ApiKey[]> {
    return this.find({ user: userId }, { orderBy: { createdAt: 'desc', id: 'asc' } });
  }

  /** Marks a user's key revoked; false when the user has no such live key. */
  async revoke(userId: string, keyId: string): Promise<boolean> {
    const result = (await this.getEntityManager().execute(
      `update api_keys set revoked_at = now() where id = ? and user_id = ? and revoked_at is null`,
      [keyId, userId],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows === 1;
  }

  async touch(keyIds: string[]): Promise<void> {
    if (keyIds.length === 0) return;
    await this.getEntityManager().execute(
      `update api_keys set last_used_at = now() where id in (${keyIds.map(() => '?').join(', ')})`,
      keyIds,
      'run',
    );
  }
}
