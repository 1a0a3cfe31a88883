import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/http/id-param';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../common/http/actor';
import { PageQuery, setPageHeaders, pageOffset } from '../common/http/pagination';
import { ApiProblems } from '../common/problem/api-problems.decorator';
import { AdminRoute } from '../common/auth/access.decorators';
import { CreateTrainingRunBody, TrainingRunView } from './training.dto';
import { TrainingService } from './training.service';

@ApiTags('training')
@AdminRoute()
@Controller({ path: 'training-runs', version: '1' })
export class TrainingRunsController {
  constructor(private readonly training: TrainingService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a training run (admin)',
    description:
      'Trains an elo, dixon-coles or ensemble model on the stored finished matches of the given competitions ' +
      '(one competition = its own scope; several or none = the global scope). One run may be active per scope (409). ' +
      'A finished run produces a model version with backtest metrics on the latest held-out weeks; ' +
      'the first version of a scope becomes its champion.',
  })
  @ApiAcceptedResponse({ type: TrainingRunView })
  @ApiProblems(400, 409, 422)
  async create(
    @Body() body: CreateTrainingRunBody,
    @Req() request: FastifyRequest,
  ): Promise<TrainingRunView> {
    return TrainingRunView.of(await this.training.create(body, actorOf(request)));
  }

  @Get()
  @ApiOperation({ summary: 'Training runs, newest first (admin)' })
  @ApiOkResponse({ type: [TrainingRunView] })
  @ApiProblems(400)
  async list(
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TrainingRunView[]> {
    const { items, total } = await this.training.list(pageOffset(query), query.pageSize);
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    return items.map(TrainingRunView.of);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A training run: status, progress, timings, log and error (admin)' })
  @ApiOkResponse({ type: TrainingRunView })
  @ApiProblems(400, 404)
  async get(@UuidParam('id') id: string): Promise<TrainingRunView> {
    return TrainingRunView.of(await this.training.get(id));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a queued or running training run (admin)' })
  @ApiOkResponse({ type: TrainingRunView })
  @ApiProblems(400, 404, 409)
  async cancel(
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<TrainingRunView> {
    return TrainingRunView.of(await this.training.cancel(id, actorOf(request)));
  }
}
