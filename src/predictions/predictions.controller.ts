import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiInstant } from '../common/http/api-date';
import { setPageHeaders, pageOffset } from '../common/http/pagination';
import { ApiProblems } from '../common/problem/api-problems.decorator';
import { ValidationProblem } from '../common/problem/problem.exception';
import { AdminRoute, UserRoute, ViewerRoute } from '../common/auth/access.decorators';
import {
  CacheStatsView,
  PredictionView,
  SimulateBody,
  SimulatedPredictionView,
  UpcomingItemView,
  UpcomingQuery,
} from './predictions.dto';
import {
  bypassesCache,
  callerKey,
  sendPrediction,
  servedToCallerOnly,
  upcomingPageJson,
} from './prediction-http';
import { PredictionsService } from './predictions.service';
import { IdParam, ParseOptionalUuidPipe } from '../common/http/id-param';

/** The response headers of a served prediction (prediction-http.ts sends them). */
const PREDICTION_HEADERS = {
  ETag: {
    description:
      'Weak entity tag of what is predicted (everything but computedAt: a recomputation that predicts the same keeps it); send it as If-None-Match',
    schema: { type: 'string' },
  },
  'X-Cache': {
    description: 'hit, miss, or bypass (Cache-Control: no-cache)',
    schema: { type: 'string', enum: ['hit', 'miss', 'bypass'] },
  },
  'X-Model-Version': {
    description: 'The model version that served it',
    schema: { type: 'string', format: 'uuid' },
  },
  'X-Model-Variant': {
    description: 'champion, challenger (A/B share) or requested (?model=)',
    schema: { type: 'string', enum: ['champion', 'challenger', 'requested'] },
  },
  'X-Prediction-Frozen': {
    description: 'After kick-off: when the served ledger entry was frozen',
    schema: { type: 'string', format: 'date-time' },
  },
  'X-Prediction-Made-After-Kickoff': {
    description: "'true' when what is served was not made before the kick-off",
    schema: { type: 'string', enum: ['true'] },
  },
};

@ApiTags('predictions')
@Controller({ version: '1' })
export class PredictionsController {
  constructor(private readonly predictions: PredictionsService) {}

  @Get('matches/:id/prediction')
  @ViewerRoute()
  @ApiOperation({
    summary:
      "A match's prediction: 1X2, double chance, over/under, BTTS, Asian handicap, correct scores, xG, explanation, market edge",
    description:
      "Served by the champion of the match's competition (else the global champion), or `?model=`. " +
      'The first prediction each model version serves before kick-off is frozen in the public ledger. ' +
      "Responses are cached until the match's data or the champion changes; `Cache-Control: no-cache` recomputes. " +
      'Headers: `ETag`, `X-Cache` (hit/miss/bypass), `X-Model-Version`, `X-Model-Variant` (champion/challenger/requested). ' +
      "Once the match has kicked off (or has a live score, a result, or was cancelled) the version's frozen ledger entry is served as frozen, " +
      'with `X-Prediction-Frozen` (when it was frozen); with no entry for that version, a prediction computed then, ' +
      'with `X-Prediction-Made-After-Kickoff: true` (also sent beside `X-Prediction-Frozen` when the kick-off has since moved to or before the moment of freezing: such an entry is never scored). ' +
      'A request whose `If-None-Match` names the current ETag is answered 304 with no body.',
  })
  @ApiQuery({
    name: 'model',
    required: false,
    description:
      'A model version id; default: the champion (or the challenger for callers in the A/B share)',
  })
  @ApiHeader({
    name: 'Cache-Control',
    required: false,
    description: '"no-cache" recomputes the prediction',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'The ETag of a prediction already held: 304 (no body) while it is current',
  })
  @ApiOkResponse({ type: PredictionView, headers: PREDICTION_HEADERS })
  @ApiResponse({ status: 304, description: 'Not modified: the ETag in If-None-Match is current' })
  @ApiProblems(400, 404, 422)
  async prediction(
    @IdParam('id') id: number,
    // A single cheap pipe rather than a validated DTO: this is the hottest route.
    @Query('model', ParseOptionalUuidPipe) model: string | undefined,
    @Req() request: FastifyRequest,
    // Sent here, not by Nest: Nest would set its 200 over a 304.
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const result = await this.predictions.predict(id, {
      callerKey: callerKey(request),
      bypassCache: bypassesCache(request),
      ...(model ? { versionId: model } : {}),
    });
    sendPrediction(request, reply, result);
  }

  @Get('predictions')
  @ViewerRoute()
  @ApiOperation({
    summary: 'Predictions of upcoming fixtures in one call (soonest first, paginated)',
  })
  @ApiOkResponse({ type: [UpcomingItemView] })
  @ApiProblems(400)
  async upcoming(
    @Query() query: UpcomingQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    // `from` defaults to now: a `to` already past is the inverted window @IsAfter refuses.
    if (query.to && !query.from && apiInstant(query.to).getTime() <= Date.now()) {
      throw new ValidationProblem([
        { field: 'to', reason: 'to must be after from (default: now)' },
      ]);
    }
    const { items, total } = await this.predictions.upcoming({
      ...(query.competition ? { competition: query.competition } : {}),
      ...(query.from ? { from: apiInstant(query.from) } : {}),
      ...(query.to ? { to: apiInstant(query.to) } : {}),
      offset: pageOffset(query),
      limit: query.pageSize,
      callerKey: callerKey(request),
    });
    setPageHeaders(request, reply, { items, total, page: query.page, pageSize: query.pageSize });
    void servedToCallerOnly(reply).header('content-type', 'application/json; charset=utf-8');
    return upcomingPageJson(items);
  }

  @Post('predictions/simulate')
  @UserRoute()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Predict hypothetical fixtures between stored teams (optionally at a neutral venue)',
    description:
      'Nothing is cached or frozen. A team the model has no rating for is rated as a newly promoted team, with a warning.',
  })
  @ApiOkResponse({ type: [SimulatedPredictionView] })
  @ApiProblems(400, 404, 422)
  async simulate(
    @Body() body: SimulateBody,
    @Req() request: FastifyRequest,
  ): Promise<SimulatedPredictionView[]> {
    return (await this.predictions.simulate(body.fixtures, {
      callerKey: callerKey(request),
      ...(body.model ? { versionId: body.model } : {}),
    })) as SimulatedPredictionView[];
  }

  @Get('predictions/cache')
  @AdminRoute()
  @ApiOperation({ summary: 'Prediction cache hits, misses and hit ratio of this replica (admin)' })
  @ApiOkResponse({ type: CacheStatsView })
  cache(): CacheStatsView {
    return this.predictions.cacheStats();
  }
}
