import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access/access.guard';
import { Authenticator } from './access/authenticator';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AdminAuditHook } from './audit/admin-audit.hook';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AccountController } from './http/account.controller';
import { AuthController } from './http/auth.controller';
import { InvitationsController, UsersAdminController } from './http/users-admin.controller';
import { PasswordHasher } from './passwords/password-hasher';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { LoginService } from './sessions/login.service';
import { SessionsService } from './sessions/sessions.service';
import { AccessTokens } from './tokens/access-tokens';
import { AccountsService } from './users/accounts.service';
import { FirstAdmin } from './users/first-admin';
import { InvitationsService } from './users/invitations.service';
import { PersonalDataRegistry } from './users/personal-data.registry';
import { UsersService } from './users/users.service';

/**
 * Identity and access: accounts, sessions (JWT + rotating refresh tokens), API keys, the global
 * rate limit and access guards, and the audit log. Global so that any module can inject
 * AuditService; routes only need the decorators from src/common/auth.
 */
@Global()
@Module({
  imports: [RateLimitModule],
  controllers: [
    AuthController,
    AccountController,
    UsersAdminController,
    InvitationsController,
    AuditController,
  ],
  providers: [
    AccessTokens,
    PasswordHasher,
    UsersService,
    AccountsService,
    InvitationsService,
    SessionsService,
    LoginService,
    ApiKeysService,
    AuditService,
    Authenticator,
    RateLimiter,
    AccessGuard,
    FirstAdmin,
    PersonalDataRegistry,
    // Order matters: rate limits first (even refused calls count), then access rules.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useExisting: AccessGuard },
    AdminAuditHook,
  ],
  exports: [
    AuditService,
    UsersService,
    FirstAdmin,
    PersonalDataRegistry,
    // For routes served before Nest's pipeline (the cached prediction fast path).
    Authenticator,
    RateLimiter,
  ],
})
export class AuthModule {}
