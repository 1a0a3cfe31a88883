import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ViewerRoute } from '../../common/auth/access.decorators';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { NotFoundProblem } from '../../common/problem/problem.exception';
import { MatchView } from '../read/match.dto';
import { LiveMatchesService, OddsMovementView } from './live-matches.service';
import { IdParam } from '../../common/http/id-param';

export class OddsMovementDto implements OddsMovementView {
  @ApiProperty({ example: '1x2', enum: ['1x2', 'ou25', 'btts'] }) market!: string;
  @ApiProperty({ example: 'virtual-bookmaker' }) bookmaker!: string;
  @ApiProperty({ example: 'collector:virtual-league' }) source!: string;
  @ApiProperty({ example: { home: 2.1, draw: 3.4, away: 3.6 } }) prices!: Record<string, number>;
  @ApiProperty({ example: '2026-11-21T18:00:00.000Z' }) observedAt!: string;
}

@ApiTags('matches')
@Controller({ path: 'matches', version: '1' })
export class LiveMatchesController {
  constructor(private readonly live: LiveMatchesService) {}

  @Get('live')
  @ViewerRoute()
  @ApiOperation({
    summary: 'Matches being played now, with their current score',
    description:
      'Status live and kicked off less than 4 hours ago (a match still live after that is one ' +
      'its source stopped reporting). Served from a short cache (LIVE_CACHE_SECONDS), dropped ' +
      'whenever a poll changes a match.',
  })
  @ApiOkResponse({ type: [MatchView] })
  liveMatches(): Promise<MatchView[]> {
    return this.live.live();
  }

  @Get(':id/odds/movements')
  @ViewerRoute()
  @ApiOperation({
    summary: "A match's odds as they moved before kick-off, oldest first",
    description:
      'One entry per price change seen by the collector (per market, bookmaker and source). The ' +
      'opening and closing prices are in the match itself (GET /v1/matches/{id}).',
  })
  @ApiOkResponse({ type: [OddsMovementDto] })
  @ApiProblems(400, 404)
  async movements(@IdParam('id') id: number): Promise<OddsMovementView[]> {
    const movements = await this.live.movements(id);
    if (!movements) throw new NotFoundProblem('match', id);
    return movements;
  }
}
