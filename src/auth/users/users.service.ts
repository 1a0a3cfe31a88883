import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { isEmail } from 'class-validator';
import { AppConfig } from '../../config/app-config';
import {
  ForbiddenProblem,
  NotFoundProblem,
  ProblemException,
  ValidationProblem,
} from '../../common/problem/problem.exception';
import type { Role } from '../../common/auth/roles';
import type { Page } from '../../common/http/pagination';
import { Invitation, LoginFailure, RefreshToken, User } from '../entities';
import { PasswordHasher } from '../passwords/password-hasher';
import { passwordProblems } from '../passwords/password-policy';
import { hashToken } from '../tokens/opaque-token';
import type { UserFilter } from '../repositories/user.repository';

/**
 * The one spelling of an address that is stored and compared: trimmed, lower-case, Unicode NFC
 * (otherwise "zoé" typed composed and decomposed were two accounts, and an invitation or a
 * sign-in in the other spelling found nothing).
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC');
}

/** Accounts: creation (registration, invitations, first admin), passwords, roles, erasure. */
@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Refuses a password the policy rejects, naming `field` (problem+json 400). */
  checkPassword(password: string, email: string, field = 'password'): void {
    const problems = passwordProblems(password, email, this.config.passwordMinLength);
    if (problems.length > 0) {
      throw new ValidationProblem(
        problems.map((reason) => ({ field, reason: `${field} ${reason}` })),
      );
    }
  }

  async create(email: string, password: string, role: Role): Promise<User> {
    const normalised = normaliseEmail(email);
    // The HTTP bodies check this too; the CLI's create-admin comes straight here.
    if (!isEmail(normalised) || normalised.length > 254) {
      throw new ValidationProblem([{ field: 'email', reason: 'email must be an email' }]);
    }
    this.checkPassword(password, normalised);
    const em = this.em.fork();
    const user = em.create(User, {
      email: normalised,
      passwordHash: await this.hasher.hash(password),
      role,
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ProblemException(
          409,
          'email-taken',
          'Conflict',
          'an account with this e-mail address exists already',
        );
      }
      throw error;
    }
    return user;
  }

  /**
   * Self-service registration: open (as a viewer), or with an invitation that names this
   * e-mail address and gives its role.
   */
  async register(email: string, password: string, invitationToken?: string): Promise<User> {
    const normalised = normaliseEmail(email);
    // Bad input is named as such before the invitation or the registration mode is looked at.
    this.checkPassword(password, normalised);
    if (!invitationToken) {
      if (this.config.registration !== 'open') {
        throw new ForbiddenProblem('registration needs an invitation from an administrator');
      }
      return this.create(normalised, password, 'viewer');
    }
    const invitation = await this.em
      .fork()
      .findOne(Invitation, { tokenHash: hashToken(invitationToken), email: normalised });
    if (
      !invitation ||
      invitation.acceptedAt ||
      invitation.revokedAt ||
      invitation.expiresAt < new Date()
    ) {
      throw new ValidationProblem([
        {
          field: 'invitation',
          reason: 'invitation is unknown, used, revoked or expired for this e-mail',
        },
      ]);
    }
    const user = await this.create(normalised, password, invitation.role);
    if (
      !(await this.em
        .fork()
        .getRepository(Invitation)
        .accept(invitation.tokenHash, normalised, user.id))
    ) {
      // Accepted concurrently by another request: undo this account.
      await this.em.fork().nativeDelete(User, { id: user.id });
      throw new ValidationProblem([{ field: 'invitation', reason: 'invitation was used already' }]);
    }
    return user;
  }

  async get(id: string): Promise<User> {
    const user = await this.em.fork().findOne(User, { id });
    if (!user) throw new NotFoundProblem('user', id);
    return user;
  }

  withPasswordHash(id: string): Promise<User | null> {
    return this.em.fork().findOne(User, { id }, { populate: ['passwordHash'] });
  }

  find(id: string): Promise<User | null> {
    return this.em.fork().findOne(User, { id });
  }

  findByEmail(email: string, withPasswordHash = false): Promise<User | null> {
    return this.em.fork().getRepository(User).findByEmail(normaliseEmail(email), withPasswordHash);
  }

  countActiveAdmins(): Promise<number> {
    return this.em.fork().getRepository(User).countActiveAdmins();
  }

  async list(filter: UserFilter): Promise<Page<User>> {
    const email = filter.email === undefined ? undefined : normaliseEmail(filter.email);
    const { items, total } = await this.em
      .fork()
      .getRepository(User)
      .search({ ...filter, email });
    return { items, total, page: filter.offset / filter.limit + 1, pageSize: filter.limit };
  }

  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const em = this.em.fork();
    const user = await em.findOne(User, { id: userId }, { populate: ['passwordHash'] });
    if (!user || !(await this.hasher.verify(user.passwordHash, current))) {
      throw new ValidationProblem([
        { field: 'currentPassword', reason: 'currentPassword is not the current password' },
      ]);
    }
    if (current === next) {
      throw new ValidationProblem([
        { field: 'newPassword', reason: 'newPassword must differ from the current password' },
      ]);
    }
    this.checkPassword(next, user.email, 'newPassword');
    const passwordHash = await this.hasher.hash(next);
    // One transaction: the new password never stands while the old sessions still do.
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(User, { id: userId }, { passwordHash, passwordChangedAt: new Date() });
      await tx.getRepository(User).revokeSessions(userId);
      await tx.getRepository(RefreshToken).revokeAllOf(userId);
    });
  }

  /** Rehashes a password hashed with older parameters (called after a successful login). */
  async upgradeHash(userId: string, password: string): Promise<void> {
    await this.em
      .fork()
      .nativeUpdate(User, { id: userId }, { passwordHash: await this.hasher.hash(password) });
  }

  async recordLogin(userId: string): Promise<void> {
    await this.em.fork().nativeUpdate(User, { id: userId }, { lastLoginAt: new Date() });
  }

  /** Admin changes of role or status; the last active admin cannot lose either. */
  async update(id: string, change: { role?: Role; disabled?: boolean }): Promise<User> {
    const em = this.em.fork();
    return em.transactional(async (tx) => {
      const user = await tx.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw new NotFoundProblem('user', id);
      const losesAdmin =
        user.role === 'admin' &&
        !user.disabledAt &&
        ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin) await this.refuseIfLastAdmin(tx);
      let revoke = false;
      if (change.role !== undefined && change.role !== user.role) {
        user.role = change.role;
        revoke = true;
      }
      if (change.disabled !== undefined && change.disabled !== Boolean(user.disabledAt)) {
        user.disabledAt = change.disabled ? new Date() : null;
        revoke = true;
      }
      if (revoke) {
        await tx.getRepository(User).revokeSessions(user.id);
        await tx.getRepository(RefreshToken).revokeAllOf(user.id);
      }
      return user;
    });
  }

  /**
   * Deletes the account and everything that names it (sessions, keys, every invitation to its
   * address, the sign-in failure counter of its address).
   */
  async erase(id: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const user = await tx.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw new NotFoundProblem('user', id);
      if (user.role === 'admin' && !user.disabledAt) await this.refuseIfLastAdmin(tx);
      await tx.nativeDelete(User, { id });
      // So do open invitations to the address (one could re-create the account, with its role).
      await tx.nativeDelete(Invitation, { email: user.email });
      // The failure counter of the account name is keyed by the address: it goes too.
      await tx.nativeDelete(LoginFailure, { key: `account:${user.email}` });
    });
  }

  private async refuseIfLastAdmin(em: EntityManager): Promise<void> {
    // Serialises admin removals, so two admins demoting each other cannot leave none.
    await em.execute(`select pg_advisory_xact_lock(hashtext('oracxpred:last-admin'))`);
    if ((await em.getRepository(User).countActiveAdmins()) <= 1) {
      throw new ProblemException(
        409,
        'last-admin',
        'Conflict',
        'this is the last active admin: promote another account first',
      );
    }
  }
}
