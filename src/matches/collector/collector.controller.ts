import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '../../common/auth/access.decorators';
import { NotFoundProblem } from '../../common/problem/problem.exception';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { CollectorService } from './collector.service';
import { CollectorSourceView, PollListQuery, PollView } from './collector.dto';

@ApiTags('collector')
@AdminRoute()
@Controller({ path: 'collector/sources', version: '1' })
export class CollectorController {
  constructor(private readonly collector: CollectorService) {}

  @Get()
  @ApiOperation({
    summary:
      'Live sources (admin): configuration, last poll, last success, last error, counts, breaker',
  })
  @ApiOkResponse({ type: [CollectorSourceView] })
  async list(): Promise<CollectorSourceView[]> {
    const configs = new Map(this.collector.sources.map((source) => [source.id, source]));
    return (await this.collector.sourceStates()).map((state) =>
      CollectorSourceView.of(state, configs.get(state.id)),
    );
  }

  @Get(':id/polls')
  @ApiOperation({
    summary: "A source's recent polls, newest first, with each failure's reason (admin)",
  })
  @ApiOkResponse({ type: [PollView] })
  @ApiProblems(400, 404)
  async polls(@Param('id') id: string, @Query() query: PollListQuery): Promise<PollView[]> {
    if (!(await this.collector.sourceStates()).some((state) => state.id === id)) {
      throw new NotFoundProblem('collector source', id);
    }
    return (await this.collector.recentPolls(id, query.limit)).map(PollView.of);
  }

  @Post(':id/poll')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Poll a source now (admin, audited)',
    description:
      'Runs one poll and answers its outcome (a failed poll is 200 with outcome "failed" and the reason: ' +
      'the source failed, not the request). 409 while another process polls the source. On an open ' +
      'circuit breaker this poll is the trial that may close it.',
  })
  @ApiOkResponse({ type: PollView })
  @ApiProblems(404, 409)
  async poll(@Param('id') id: string): Promise<PollView> {
    return PollView.of(await this.collector.poll(id, 'manual'));
  }
}
