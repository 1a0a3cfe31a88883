import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/http/id-param';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../common/http/actor';
import { PAGE_HEADERS, PageQuery, setPageHeaders, pageOffset } from '../common/http/pagination';
import { NotFoundProblem } from '../common/problem/problem.exception';
import { ApiProblems } from '../common/problem/api-problems.decorator';
import { AdminRoute, ViewerRoute } from '../common/auth/access.decorators';
import {
  AliasEventView,
  ModelListQuery,
  ModelVersionView,
  PromoteBody,
  ScopeAliasesView,
} from './model.dto';
import { GLOBAL_SCOPE, ModelRegistryService } from './model-registry.service';
import { MatchDataService } from '../matches/read/match-data.service';

@ApiTags('models')
@ViewerRoute()
@Controller({ path: 'models', version: '1' })
export class ModelsController {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly matchData: MatchDataService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Model versions, newest first, with the aliases they hold' })
  @ApiOkResponse({ type: [ModelVersionView] })
  @ApiProblems(400)
  async list(
    @Query() query: ModelListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ModelVersionView[]> {
    // A competition's scope by its code or id; a misspelt one is a 400 naming scope.
    const scope =
      query.scope === undefined || query.scope === GLOBAL_SCOPE
        ? query.scope
        : await this.matchData.competitionCode(query.scope, 'scope');
    const { items, total } = await this.registry.list(
      { scope, modelType: query.modelType },
      pageOffset(query),
      query.pageSize,
    );
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    const aliases = await this.registry.aliasesOf(items.map((v) => v.id));
    return items.map((v) => ModelVersionView.of(v, aliases.get(v.id) ?? []));
  }

  @Get('aliases')
  @ApiOperation({ summary: 'Champion and challenger of every scope' })
  @ApiOkResponse({ type: [ScopeAliasesView] })
  async aliases(): Promise<ScopeAliasesView[]> {
    const all = await this.registry.allAliases();
    return [...all]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([scope, a]) => ({
        scope,
        champion: a.champion?.id ?? null,
        challenger: a.challenger?.id ?? null,
      }));
  }

  @Get('aliases/:scope/history')
  @ApiOperation({
    summary:
      'Alias changes of a scope, newest first (promotions, rollbacks, automatic promotions), paginated',
    description:
      'Newest first: in the order the changes were recorded, the latest on page 1. A scope that is ' +
      'neither "global" nor a competition (by code or id) is a 404; a competition whose aliases ' +
      'never changed has an empty history.',
  })
  @ApiParam({
    name: 'scope',
    description:
      '"global" or a competition, by code or id; one path segment, its "/" encoded ' +
      '(england%2Fpremier-league)',
    example: 'england/premier-league',
  })
  @ApiOkResponse({ type: [AliasEventView], headers: PAGE_HEADERS })
  @ApiProblems(400, 404)
  async history(
    @Param('scope') scope: string,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AliasEventView[]> {
    // Fastify has already decoded the parameter (a second decode would throw on a literal '%').
    // A misspelt scope is a 404, not an empty history that reads as "never promoted".
    const code = scope === GLOBAL_SCOPE ? scope : await this.matchData.findCompetitionCode(scope);
    if (code === undefined) throw new NotFoundProblem('scope', JSON.stringify(scope));
    const { items, total } = await this.registry.history(code, pageOffset(query), query.pageSize);
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    return items.map(AliasEventView.of);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A model version with its fitted parameters' })
  @ApiOkResponse({ type: ModelVersionView })
  @ApiProblems(400, 404)
  async get(@UuidParam('id') id: string): Promise<ModelVersionView> {
    const version = await this.registry.get(id, true);
    const aliases = await this.registry.aliasesOf([id]);
    return ModelVersionView.of(version, aliases.get(id) ?? [], true);
  }

  @Post(':id/promote')
  @HttpCode(200)
  // The path does not say which alias was given, nor why: the audit entry records both.
  @AdminRoute({ auditBody: ['alias', 'reason'] })
  @ApiOperation({
    summary: 'Make a version the champion (default) or challenger of its scope (admin)',
    description:
      'Cached predictions of the scope are invalidated; the change is recorded in the alias history.',
  })
  // Every field has a default: no body at all is a promotion to champion.
  @ApiBody({ type: PromoteBody, required: false })
  @ApiOkResponse({ type: ModelVersionView })
  @ApiProblems(400, 404, 409)
  async promote(
    @UuidParam('id') id: string,
    @Body() body: PromoteBody,
    @Req() request: FastifyRequest,
  ): Promise<ModelVersionView> {
    await this.registry.promote(
      id,
      body.alias ?? 'champion',
      actorOf(request),
      'promote',
      body.reason ?? null,
    );
    return this.get(id);
  }

  @Post(':id/rollback')
  @HttpCode(200)
  @AdminRoute()
  @ApiOperation({ summary: 'The champion {id} hands back to the version it replaced (admin)' })
  @ApiOkResponse({ type: ModelVersionView, description: 'The restored champion' })
  @ApiProblems(400, 404, 409)
  async rollback(
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<ModelVersionView> {
    const restored = await this.registry.rollback(id, actorOf(request));
    return this.get(restored.id);
  }
}
