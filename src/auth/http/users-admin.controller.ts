import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UuidParam } from '../../common/http/id-param';
import { AdminRoute } from '../../common/auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../../common/auth/principal';
import { PageQuery, setPageHeaders, pageOffset } from '../../common/http/pagination';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { ValidationProblem } from '../../common/problem/problem.exception';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AccountsService } from '../users/accounts.service';
import { InvitationsService } from '../users/invitations.service';
import { UsersService } from '../users/users.service';
import {
  ApiKeyView,
  CreatedInvitationView,
  CreateInvitationBody,
  InvitationView,
  SetPlanBody,
  UpdateUserBody,
  UserListQuery,
  UserView,
} from './auth.dto';
import { requestMeta } from './request-meta';

/** Account administration. Reads of personal data are audited like changes. */
@ApiTags('users')
@AdminRoute({ auditReads: true })
@Controller({ path: 'users', version: '1' })
export class UsersAdminController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Accounts, oldest first, filtered by role or e-mail (admin)' })
  @ApiOkResponse({ type: [UserView] })
  @ApiProblems(400)
  async list(
    @Query() query: UserListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView[]> {
    const page = await this.users.list({
      role: query.role,
      email: query.email,
      offset: pageOffset(query),
      limit: query.pageSize,
    });
    setPageHeaders(request, reply, page);
    return page.items.map(UserView.of);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One account (admin)' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(400, 404)
  async get(@UuidParam('id') id: string): Promise<UserView> {
    return UserView.of(await this.users.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change the role of an account or disable it (admin); its sessions are revoked',
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(400, 404, 409)
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateUserBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<UserView> {
    if (body.role === undefined && body.disabled === undefined) {
      throw new ValidationProblem([{ field: 'role', reason: 'give role, disabled, or both' }]);
    }
    return UserView.of(await this.accounts.update(id, body, principal, requestMeta(request)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase an account and its personal data (admin)' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblems(400, 404, 409)
  async erase(
    @UuidParam('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.accounts.erase(id, principal, requestMeta(request));
  }

  @Get(':id/api-keys')
  @ApiOperation({ summary: "An account's API keys (admin)" })
  @ApiOkResponse({ type: [ApiKeyView] })
  @ApiProblems(400, 404)
  async keys(@UuidParam('id') id: string): Promise<ApiKeyView[]> {
    await this.users.get(id);
    return (await this.apiKeys.list(id)).map(ApiKeyView.of);
  }

  @Patch(':id/api-keys/:keyId')
  @AdminRoute({ auditReads: true, auditBody: ['plan'] })
  @ApiOperation({ summary: "Set an API key's rate-limit plan (admin)" })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiProblems(400, 404)
  async setPlan(
    @UuidParam('id') id: string,
    @UuidParam('keyId') keyId: string,
    @Body() body: SetPlanBody,
  ): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.apiKeys.setPlan(id, keyId, body.plan));
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke an account's API key (admin)" })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  async revokeKey(
    @UuidParam('id') id: string,
    @UuidParam('keyId') keyId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.apiKeys.revoke(id, keyId, principal, requestMeta(request));
  }
}

@ApiTags('users')
@AdminRoute({ auditReads: true })
@Controller({ path: 'invitations', version: '1' })
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Invite an e-mail address to register with a role (admin)' })
  @ApiCreatedResponse({ type: CreatedInvitationView })
  @ApiProblems(400, 409)
  async create(
    @Body() body: CreateInvitationBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<CreatedInvitationView> {
    const { invitation, token } = await this.invitations.create(
      body.email,
      body.role,
      body.expiresInDays ?? 7,
      principal,
      requestMeta(request),
    );
    return { ...InvitationView.of(invitation), token };
  }

  @Get()
  @ApiOperation({ summary: 'Invitations, newest first (admin)' })
  @ApiOkResponse({ type: [InvitationView] })
  @ApiProblems(400)
  async list(
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvitationView[]> {
    const page = await this.invitations.list(query.page, query.pageSize);
    setPageHeaders(request, reply, page);
    return page.items.map(InvitationView.of);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw an open invitation (admin)' })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiProblems(400, 404)
  async revoke(@UuidParam('id') id: string): Promise<void> {
    await this.invitations.revoke(id);
  }
}
