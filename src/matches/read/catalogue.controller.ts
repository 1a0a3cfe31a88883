import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PAGE_HEADERS, setPageHeaders } from '../../common/http/pagination';
import { ApiProblem, ApiProblems } from '../../common/problem/api-problems.decorator';
import { AdminRoute, ViewerRoute } from '../../common/auth/access.decorators';
import { CatalogueService } from './catalogue.service';
import { MatchDetailView, MatchListQuery, MatchPageView } from './match.dto';
import {
  AddAliasBody,
  CompetitionView,
  MergeResultView,
  MergeTeamBody,
  TeamListQuery,
  TeamPageView,
  TeamView,
} from './team.dto';
import { IdParam } from '../../common/http/id-param';

@ApiTags('matches')
@Controller({ version: '1' })
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get('competitions')
  @ViewerRoute()
  @ApiOperation({ summary: 'Competitions with their seasons and match counts' })
  @ApiOkResponse({ type: [CompetitionView] })
  competitions(): Promise<CompetitionView[]> {
    return this.catalogue.competitions();
  }

  @Get('teams')
  @ViewerRoute()
  @ApiOperation({
    summary: 'Teams, searchable by name or alias (case, accents, punctuation ignored)',
  })
  @ApiOkResponse({ type: TeamPageView, headers: PAGE_HEADERS })
  @ApiProblems(400)
  async teams(
    @Query() query: TeamListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TeamPageView> {
    const page = await this.catalogue.teams(query);
    setPageHeaders(request, reply, page);
    return page;
  }

  @Get('teams/:id')
  @ViewerRoute()
  @ApiOperation({ summary: 'One team with its aliases' })
  @ApiOkResponse({ type: TeamView })
  @ApiProblems(400, 404)
  team(@IdParam('id') id: number): Promise<TeamView> {
    return this.catalogue.team(id);
  }

  @Post('teams/:id/aliases')
  @AdminRoute({ auditBody: ['alias'] })
  @ApiOperation({
    summary: 'Add a spelling that names this team (admin)',
    description:
      'A merge of the team holds it until it commits; the alias waits for it at most ' +
      '`TEAM_MERGE_LOCK_TIMEOUT_MS` (10 s by default): past that it answers 409 `teams-busy` ' +
      'with `Retry-After`, nothing added, to be retried (on the absorbing team if it merged).',
  })
  @ApiCreatedResponse({ type: TeamView })
  @ApiProblems(400, 404)
  @ApiProblem(
    409,
    'Conflict: `alias-taken` (another team has the spelling), `team-merged` (add it to the ' +
      'absorbing team), or `teams-busy` (a merge held the team past ' +
      '`TEAM_MERGE_LOCK_TIMEOUT_MS`: nothing was added, retry after `Retry-After` seconds)',
    {
      'Retry-After': {
        description: 'With `teams-busy`: seconds to wait before retrying',
        schema: { type: 'integer' },
      },
    },
  )
  addAlias(@IdParam('id') id: number, @Body() body: AddAliasBody): Promise<TeamView> {
    return this.catalogue.addAlias(id, body.alias);
  }

  @Post('teams/:id/merge')
  @HttpCode(200)
  @AdminRoute({ auditBody: ['intoTeamId'] })
  @ApiOperation({
    summary:
      'Merge this team into another (admin): aliases and matches move, duplicate fixtures fold',
    description:
      'An import filing matches of either team holds both until it commits; the merge waits for it ' +
      '(then moves its matches too; imports arriving meanwhile queue behind the merge), but at ' +
      'most `TEAM_MERGE_LOCK_TIMEOUT_MS` (10 s by default): past that it answers 409 ' +
      '`teams-busy` with `Retry-After`, nothing merged, to be retried.',
  })
  @ApiOkResponse({ type: MergeResultView })
  @ApiProblems(400, 404)
  @ApiProblem(
    409,
    'Conflict: `already-merged` (one of the teams was merged), `teams-met` (they played each ' +
      'other), or `teams-busy` (an import kept writing matches of these teams past ' +
      '`TEAM_MERGE_LOCK_TIMEOUT_MS`: nothing was merged, retry after `Retry-After` seconds)',
    {
      'Retry-After': {
        description: 'With `teams-busy`: seconds to wait before retrying',
        schema: { type: 'integer' },
      },
    },
  )
  merge(@IdParam('id') id: number, @Body() body: MergeTeamBody): Promise<MergeResultView> {
    return this.catalogue.merge(id, body.intoTeamId);
  }

  @Get('matches')
  @ViewerRoute()
  @ApiOperation({
    summary: 'Matches, filtered, sorted and paginated (X-Total-Count and Link headers)',
  })
  @ApiOkResponse({ type: MatchPageView, headers: PAGE_HEADERS })
  @ApiProblems(400)
  async matches(
    @Query() query: MatchListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MatchPageView> {
    const page = await this.catalogue.matches(query);
    setPageHeaders(request, reply, page);
    return page;
  }

  @Get('matches/:id')
  @ViewerRoute()
  @ApiOperation({ summary: 'One match with all its odds snapshots' })
  @ApiOkResponse({ type: MatchDetailView })
  @ApiProblems(400, 404)
  match(@IdParam('id') id: number): Promise<MatchDetailView> {
    return this.catalogue.match(id);
  }
}
