import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/principal';
import type { Role } from '../../common/auth/roles';
import type { Page } from '../../common/http/pagination';
import { NotFoundProblem, ProblemException } from '../../common/problem/problem.exception';
import { AuditService } from '../audit/audit.service';
import { Invitation, User } from '../entities';
import type { RequestMeta } from '../http/request-meta';
import { newOpaqueToken } from '../tokens/opaque-token';
import { normaliseEmail } from './users.service';

const DAY_MS = 24 * 3600 * 1000;

/** Invitations to register (REGISTRATION=invitation): one e-mail address, one role, one use. */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
  ) {}

  async create(
    email: string,
    role: Role,
    expiresInDays: number,
    createdBy: Principal,
    meta: RequestMeta,
  ): Promise<{ invitation: Invitation; token: string }> {
    const em = this.em.fork();
    const address = normaliseEmail(email);
    // Registering with it could only fail: the address is taken.
    if ((await em.count(User, { email: address })) > 0) {
      throw new ProblemException(
        409,
        'account-exists',
        'Account exists',
        `an account with ${address} already exists; change its role instead`,
        [{ field: 'email', reason: 'already has an account' }],
      );
    }
    const { token, hash } = newOpaqueToken('oxi');
    const invitation = em.create(Invitation, {
      email: address,
      role,
      tokenHash: hash,
      createdBy: em.getReference(User, createdBy.userId),
      expiresAt: new Date(Date.now() + expiresInDays * DAY_MS),
    });
    await em.flush();
    // The route's own entry cannot say which invitation or what role it grants (the address
    // stays out: the audit log holds no e-mail addresses).
    await this.audit.record({
      action: 'invitation.create',
      actor: createdBy,
      target: { invitationId: invitation.id },
      details: { role, expiresAt: invitation.expiresAt.toISOString() },
      meta,
    });
    return { invitation, token };
  }

  async list(page: number, pageSize: number): Promise<Page<Invitation>> {
    const [items, total] = await this.em
      .fork()
      .getRepository(Invitation)
      .listAll((page - 1) * pageSize, pageSize);
    return { items, total, page, pageSize };
  }

  async revoke(id: string): Promise<void> {
    const affected = await this.em
      .fork()
      .nativeUpdate(
        Invitation,
        { id, acceptedAt: null, revokedAt: null },
        { revokedAt: new Date() },
      );
    if (affected === 0) throw new NotFoundProblem('open invitation', id);
  }
}
