import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PublicRoute } from '../../common/auth/access.decorators';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { AuditService } from '../audit/audit.service';
import { AuthRateLimit } from '../../common/auth/rate-limit.decorators';
import { LoginService } from '../sessions/login.service';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { LoginBody, RefreshBody, RegisterBody, TokenPairView, UserView } from './auth.dto';
import { requestMeta } from './request-meta';

@ApiTags('auth')
@PublicRoute()
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  @Post('register')
  @AuthRateLimit()
  @ApiOperation({
    summary: 'Create an account (REGISTRATION=open: as a viewer; else with an invitation)',
  })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(400, 403, 409, 429)
  async register(@Body() body: RegisterBody, @Req() request: FastifyRequest): Promise<UserView> {
    const user = await this.users.register(body.email, body.password, body.invitation);
    await this.audit.record({
      action: 'user.register',
      actor: { userId: user.id },
      details: { role: user.role, invited: body.invitation !== undefined },
      meta: requestMeta(request),
    });
    return UserView.of(user);
  }

  @Post('login')
  @HttpCode(200)
  @AuthRateLimit()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Sign in with e-mail and password: an access token and a refresh token',
    description:
      'Failed attempts slow down and then lock the account name and the client address for a ' +
      'while (429 with Retry-After); the answer never tells whether an account exists.',
  })
  @ApiOkResponse({ type: TokenPairView })
  @ApiProblems(400, 401, 429)
  signIn(@Body() body: LoginBody, @Req() request: FastifyRequest): Promise<TokenPairView> {
    return this.login.login(body.email, body.password, requestMeta(request));
  }

  @Post('refresh')
  @HttpCode(200)
  @AuthRateLimit()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Exchange a refresh token (once) for a new token pair',
    description:
      'Refresh tokens rotate: each works once. Presenting one that was used already revokes its ' +
      'whole session, on the assumption that it was stolen.',
  })
  @ApiOkResponse({ type: TokenPairView })
  @ApiProblems(400, 401, 429)
  refresh(@Body() body: RefreshBody, @Req() request: FastifyRequest): Promise<TokenPairView> {
    return this.sessions.refresh(body.refreshToken, requestMeta(request));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token (idempotent)' })
  @ApiNoContentResponse({ description: 'The session is over (or was unknown)' })
  @ApiProblems(400)
  async logout(@Body() body: RefreshBody, @Req() request: FastifyRequest): Promise<void> {
    await this.sessions.logout(body.refreshToken, requestMeta(request));
  }
}
