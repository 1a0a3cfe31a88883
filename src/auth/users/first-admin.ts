import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TableNotFoundException } from '@mikro-orm/core';
import { AppConfig } from '../../config/app-config';
import { ConfigurationError } from '../../config/environment';
import { ProblemException } from '../../common/problem/problem.exception';
import { AuditService } from '../audit/audit.service';
import { UsersService } from './users.service';

/**
 * The first admin: created at start from ADMIN_EMAIL / ADMIN_PASSWORD when no admin exists yet
 * (ignored afterwards), or with `npm run cli -- create-admin`. There are no default credentials.
 */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let admins: number;
    try {
      admins = await this.users.countActiveAdmins();
    } catch (error) {
      // Production migrates as a separate step (the CLI boots this module too): no table yet.
      if (error instanceof TableNotFoundException) {
        this.logger.warn('the users table does not exist yet: run the migrations first');
        return;
      }
      throw error;
    }
    if (admins > 0) return;
    const admin = this.config.firstAdmin;
    if (!admin) return;
    try {
      await this.createAdmin(admin.email, admin.password, 'environment');
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      // A refused first admin is a bad setting: stop the start naming the variable, not a stack.
      throw new ConfigurationError(
        `Invalid configuration:\n  - ${error.message
          .split('; ')
          .map((reason) =>
            reason.replace(/^email: /, 'ADMIN_EMAIL: ').replace(/^password: /, 'ADMIN_PASSWORD: '),
          )
          .join('\n  - ')}`,
      );
    }
  }

  /**
   * Says how to create the first admin when there is none: called by the server once it listens
   * (not by the CLI, whose create-admin is about to do just that).
   */
  async remindIfNoAdmin(): Promise<void> {
    // No users table yet (production migrates as a separate step): the start already said so.
    const admins = await this.users.countActiveAdmins().catch(() => undefined);
    if (admins !== 0) return;
    this.logger.warn(
      'no admin account yet: create one with `npm run cli -- create-admin --email you@example.org` ' +
        'or start once with ADMIN_EMAIL and ADMIN_PASSWORD set',
    );
  }

  /** Creates an admin account (or promotes nothing: an existing e-mail is a 409). */
  async createAdmin(
    email: string,
    password: string,
    source: 'environment' | 'cli',
  ): Promise<string> {
    try {
      const user = await this.users.create(email, password, 'admin');
      await this.audit.record({
        action: 'user.create_admin',
        actor: 'system',
        target: { userId: user.id },
        details: { source },
      });
      this.logger.log(`admin account ${user.email} created (${source})`);
      return user.id;
    } catch (error) {
      // Another replica starting at the same moment created it first.
      if (
        source === 'environment' &&
        error instanceof ProblemException &&
        error.getStatus() === 409
      ) {
        const existing = (await this.users.findByEmail(email))!;
        if (existing.role !== 'admin') {
          this.logger.warn('ADMIN_EMAIL names an existing account that is no admin: not promoted');
        }
        return existing.id;
      }
      throw error;
    }
  }
}
