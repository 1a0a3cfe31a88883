import { EntityRepository } from '@mikro-orm/postgresql';
import type { Invitation } from '../entities/invitation.entity';

export class InvitationRepository extends EntityRepository<Invitation> {
  /** Accepts the live invitation with this hash for `email`; false when there is none. */
  async accept(tokenHash: string, email: string, userId: string): Promise<boolean> {
    const result = (await this.getEntityManager().execute(
      `update invitations set accepted_at = now(), accepted_by_id = ?
        where token_hash = ? and email = ? and accepted_at is null and revoked_at is null
          and expires_at > now()`,
      [userId, tokenHash, email],
      'run',
    )) as { affectedRows: number };
    return result.affectedRows === 1;
  }

  listAll(offset: number, limit: number): Promise<[Invitation[], number]> {
    return this.findAndCount({}, { orderBy: { createdAt: 'desc', id: 'asc' }, offset, limit });
  }
}
