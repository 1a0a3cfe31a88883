import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '../../common/auth/access.decorators';
import { NoRateLimit } from '../../common/auth/rate-limit.decorators';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { ProblemException } from '../../common/problem/problem.exception';
import type { VirtualFeedDocument } from './virtual-league';
import { VirtualLeagueService } from './virtual-league.service';

@ApiTags('virtual-league')
@Controller({ path: 'virtual-league', version: '1' })
export class VirtualLeagueController {
  constructor(private readonly league: VirtualLeagueService) {}

  @Get('feed')
  @PublicRoute()
  @NoRateLimit()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The built-in virtual league's live feed (generated data)",
    description:
      'Published fixtures with their current odds (moving until kick-off), live matches with minute ' +
      'and score, and recent results. Everything is simulated and labelled "Generated". Served when ' +
      'VIRTUAL_LEAGUE is on (auto: development only); the collector reads it over HTTP like any feed.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      example: {
        league: {
          code: 'generated/virtual-league',
          name: 'Generated Virtual League',
          country: 'Generated',
        },
        generatedAt: '2026-11-21T18:00:00.000Z',
        matches: [
          {
            id: 'vl2026-s3-m17',
            season: 'virtual-3',
            round: 2,
            kickoff: '2026-11-21T18:12:00.000Z',
            home: 'Amberley Town',
            away: 'Kestrel Bay',
            status: 'scheduled',
            minute: null,
            score: null,
            odds: {
              '1x2': { home: 2.1, draw: 3.4, away: 3.5 },
              ou25: { over: 1.9, under: 1.95 },
              btts: { yes: 1.8, no: 2.0 },
            },
          },
        ],
      },
    },
  })
  @ApiProblems(404)
  feed(): VirtualFeedDocument {
    if (!this.league.enabled) {
      throw new ProblemException(
        404,
        'not-found',
        'Not found',
        'the virtual league is off (VIRTUAL_LEAGUE)',
      );
    }
    return this.league.feed();
  }
}
