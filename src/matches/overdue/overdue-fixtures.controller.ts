import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminRoute } from '../../common/auth/access.decorators';
import { IdParam } from '../../common/http/id-param';
import { PAGE_HEADERS, setPageHeaders } from '../../common/http/pagination';
import { ApiProblem, ApiProblems } from '../../common/problem/api-problems.decorator';
import { MatchView } from '../read/match.dto';
import { CancelMatchBody, OverdueFixturePageView, OverdueListQuery } from './overdue.dto';
import { OverdueFixturesService } from './overdue-fixtures.service';

@ApiTags('matches')
@Controller({ path: 'matches', version: '1' })
export class OverdueFixturesController {
  constructor(private readonly overdue: OverdueFixturesService) {}

  @Get('overdue')
  @AdminRoute()
  @ApiOperation({
    summary:
      'Overdue fixtures: kicked off more than OVERDUE_FIXTURE_HOURS ago, still no result (admin)',
    description:
      'Scheduled, postponed or live matches whose kick-off is more than the grace period ' +
      '(`OVERDUE_FIXTURE_HOURS`, 48 by default) in the past, the longest overdue first, each ' +
      'with its played twin when one exists (a played match of the same competition and season ' +
      'between the same home and away teams): then the fixture is likely a phantom, an old ' +
      'listing of a match played on another day, to cancel with `POST /v1/matches/{id}/cancel`. ' +
      'Without a twin, the result is late: import it. Counted by the `oracxpred_overdue_fixtures` gauge.',
  })
  @ApiOkResponse({ type: OverdueFixturePageView, headers: PAGE_HEADERS })
  @ApiProblems(400)
  async list(
    @Query() query: OverdueListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OverdueFixturePageView> {
    const page = await this.overdue.list(query);
    setPageHeaders(request, reply, page);
    return page;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @AdminRoute({ auditBody: ['reason'] })
  @ApiOperation({
    summary: 'Cancel a fixture that has no result, e.g. a phantom (admin, audited with its reason)',
    description:
      'The match becomes cancelled: it leaves the upcoming lists, its cached predictions are ' +
      'dropped and its frozen ledger entries count as void. Idempotent: a cancelled match is ' +
      'answered as it is. A later import listing it as scheduled or postponed leaves it ' +
      'cancelled (reported as a warning on that row); one with its result stores the result.',
  })
  @ApiOkResponse({ type: MatchView })
  @ApiProblems(400, 404)
  @ApiProblem(409, 'Conflict: `match-played` (the match is finished: a result cannot be cancelled)')
  cancel(@IdParam('id') id: number, @Body() body: CancelMatchBody): Promise<MatchView> {
    return this.overdue.cancel(id, body.reason);
  }
}
