import { Body, Controller, Delete, Get, Header, HttpCode, Post, Put, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UuidParam } from '../../common/http/id-param';
import { UserRoute, ViewerRoute } from '../../common/auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../../common/auth/principal';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { UnauthorizedProblem } from '../../common/problem/problem.exception';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';
import { LoginService } from '../sessions/login.service';
import { SessionsService } from '../sessions/sessions.service';
import { AccountsService } from '../users/accounts.service';
import { UsersService } from '../users/users.service';
import {
  ApiKeyView,
  ChangePasswordBody,
  ConfirmPasswordBody,
  CreateApiKeyBody,
  CreatedApiKeyView,
  SessionView,
  UserView,
} from './auth.dto';
import { requestMeta } from './request-meta';

const DAY_MS = 24 * 3600 * 1000;

/** The caller's own account: profile, password, sessions, API keys, export and erasure. */
@ApiTags('account')
@Controller({ path: 'me', version: '1' })
export class AccountController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly login: LoginService,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ViewerRoute()
  @ApiOperation({ summary: 'The signed-in account (or the owner of the API key)' })
  @ApiOkResponse({ type: UserView })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    // A token outlives an erased account by at most its lifetime: say so rather than 404.
    const user = await this.users.find(principal.userId);
    if (!user) throw new UnauthorizedProblem('this account no longer exists');
    return UserView.of(user);
  }

  @Put('password')
  @HttpCode(204)
  @ViewerRoute({ apiKeyScope: false })
  @ApiOperation({ summary: 'Change the password; every session is signed out' })
  @ApiNoContentResponse({ description: 'Changed; sign in again' })
  @ApiProblems(400)
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordBody,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    // An access token outlives the disabling of its account by up to its TTL: a password set
    // meanwhile (by whoever holds the token) would shut the owner out once re-enabled.
    const account = await this.users.find(principal.userId);
    if (!account || account.disabledAt) {
      throw new UnauthorizedProblem('this account no longer exists or is disabled');
    }
    // Guesses at the current password are counted and locked out like failed sign-ins.
    await this.login.confirmPassword(
      principal.userId,
      body.currentPassword,
      'currentPassword',
      requestMeta(request),
    );
    await this.users.changePassword(principal.userId, body.currentPassword, body.newPassword);
    await this.audit.record({
      action: 'user.password_change',
      actor: principal,
      meta: requestMeta(request),
    });
  }

  @Get('export')
  @ViewerRoute({ apiKeyScope: false })
  @Header('cache-control', 'no-store')
  @Header('content-disposition', 'attachment; filename="oracxpred-personal-data.json"')
  @ApiOperation({ summary: 'All personal data held about the account, as JSON' })
  @ApiOkResponse({ description: 'Account, sessions, API keys (without secrets), audit entries' })
  async export(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const data = await this.accounts.export(principal.userId);
    await this.audit.record({
      action: 'user.export',
      actor: principal,
      meta: requestMeta(request),
    });
    return data;
  }

  @Delete()
  @HttpCode(204)
  @ViewerRoute({ apiKeyScope: false })
  @ApiOperation({
    summary: 'Erase the account and its personal data (confirm with the password)',
    description:
      'Sessions, API keys and invitations go with it. Audit entries stay, naming only the ' +
      'random account id, which no longer leads to a person.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblems(400, 409)
  async erase(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ConfirmPasswordBody,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.login.confirmPassword(
      principal.userId,
      body.password,
      'password',
      requestMeta(request),
    );
    await this.accounts.eraseSelf(principal, body.password, requestMeta(request));
  }

  @Get('sessions')
  @ViewerRoute({ apiKeyScope: false })
  @ApiOperation({ summary: 'Signed-in sessions (one per refresh token family)' })
  @ApiOkResponse({ type: [SessionView] })
  async listSessions(@CurrentPrincipal() principal: Principal): Promise<SessionView[]> {
    return (await this.sessions.sessionsOf(principal.userId)).map(SessionView.of);
  }

  @Delete('sessions')
  @HttpCode(204)
  @ViewerRoute({ apiKeyScope: false })
  @ApiOperation({ summary: 'Sign out everywhere: revoke every session' })
  @ApiNoContentResponse({ description: 'Every refresh token is revoked' })
  async revokeAllSessions(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const revoked = await this.sessions.revokeAll(principal.userId);
    await this.audit.record({
      action: 'auth.logout_everywhere',
      actor: principal,
      details: { sessionsRevoked: revoked },
      meta: requestMeta(request),
    });
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ViewerRoute({ apiKeyScope: false })
  @ApiOperation({ summary: 'Revoke one of your sessions' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  async revokeSession(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.sessions.revokeSession(principal.userId, id);
    await this.audit.record({
      action: 'auth.logout',
      actor: principal,
      target: { sessionId: id },
      meta: requestMeta(request),
    });
  }

  @Get('api-keys')
  @UserRoute({ apiKeyScope: false })
  @ApiOperation({ summary: 'Your API keys (never their secrets)' })
  @ApiOkResponse({ type: [ApiKeyView] })
  async listKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyView[]> {
    return (await this.apiKeys.list(principal.userId)).map(ApiKeyView.of);
  }

  @Post('api-keys')
  @UserRoute({ apiKeyScope: false })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Create an API key: the key is in this response only',
    description: 'Scopes: `read` (viewer routes), `predict` (user routes), `admin` (admins only).',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiProblems(400)
  async createKey(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyBody,
    @Req() request: FastifyRequest,
  ): Promise<CreatedApiKeyView> {
    const { key, apiKey } = await this.apiKeys.create(
      principal,
      {
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expiresInDays
          ? new Date(Date.now() + body.expiresInDays * DAY_MS)
          : undefined,
      },
      requestMeta(request),
    );
    return { ...ApiKeyView.of(apiKey), key };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @UserRoute({ apiKeyScope: false })
  @ApiOperation({ summary: 'Revoke one of your API keys' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  async revokeKey(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.apiKeys.revoke(principal.userId, id, principal, requestMeta(request));
  }
}
