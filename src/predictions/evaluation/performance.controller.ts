import { Controller, Get, Query } from '@nestjs/common';
import { UuidParam } from '../../common/http/id-param';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CompetitionFilter } from '../../common/http/text-filter';
import { AppConfig } from '../../config/app-config';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { PublicRoute } from '../../common/auth/access.decorators';
import { ModelRegistryService } from '../../training/model-registry.service';
import { PerformanceService } from './performance.service';
import { MatchDataService } from '../../matches/read/match-data.service';
import { apiInstant, IsAfter, IsApiDate } from '../../common/http/api-date';

class PerformanceQuery {
  @CompetitionFilter('Competition code or id')
  competition?: string;

  @ApiPropertyOptional({ example: '2027-01-01', description: 'Matches kicking off from' })
  @IsOptional()
  @IsApiDate()
  from?: string;

  @ApiPropertyOptional({ example: '2027-06-01', description: 'Matches kicking off before' })
  @IsOptional()
  @IsApiDate()
  @IsAfter('from')
  to?: string;
}

class ModelPerformanceView {
  @ApiProperty({ format: 'uuid' }) modelVersionId!: string;
  @ApiProperty({
    type: Object,
    nullable: true,
    description: 'Over the scored frozen predictions',
    example: { count: 380, rps: 0.1987, logLoss: 0.982, brier: 0.589, accuracy: 0.51, ece: 0.021 },
  })
  metrics!: object | null;
  @ApiProperty({
    type: Object,
    nullable: true,
    description: 'Reliability bins per outcome (10 equal-width bins)',
  })
  calibration!: object | null;
  @ApiProperty({
    type: Object,
    nullable: true,
    description:
      "The market's RPS (closing line, else opening; Shin) and the model's on the same matches",
    example: { count: 370, rps: 0.1951, modelRps: 0.1985 },
  })
  market!: object | null;
}

class VersionPerformanceView extends ModelPerformanceView {
  @ApiProperty({ description: 'Frozen predictions whose matches have not finished yet' })
  pending!: number;
  @ApiProperty({
    description:
      'Frozen predictions that will never be scored: their match was cancelled, removed as a duplicate of another, or kicked off (as finally reported) no later than the prediction was served',
  })
  void!: number;
  @ApiProperty({
    type: Object,
    description:
      "Drift: rolling RPS of the latest scored predictions against the version's backtest RPS",
    example: {
      window: 200,
      count: 200,
      rollingRps: 0.2031,
      expectedRps: 0.1992,
      difference: 0.0039,
    },
  })
  drift!: object;
}

@ApiTags('performance')
// The track record is public, like the ledger it is computed from.
@PublicRoute()
@ApiProblems(429)
@Controller({ version: '1' })
export class PerformanceController {
  constructor(
    private readonly performance: PerformanceService,
    private readonly registry: ModelRegistryService,
    private readonly config: AppConfig,
    private readonly matchData: MatchDataService,
  ) {}

  @Get('models/:id/performance')
  @ApiOperation({
    summary:
      "A model version's track record from the ledger: metrics, calibration, the market on the same matches, drift",
  })
  @ApiOkResponse({ type: VersionPerformanceView })
  @ApiProblems(400, 404)
  async version(@UuidParam('id') id: string): Promise<VersionPerformanceView> {
    const version = await this.registry.get(id);
    const [performance] = await this.performance.byVersion({ versionId: id });
    return {
      ...performance,
      ...(await this.performance.unscored(id)),
      drift: await this.performance.drift(
        id,
        version.evaluation.model?.outcomes.rps ?? null,
        this.config.drift.window,
      ),
    };
  }

  @Get('performance')
  @ApiOperation({
    summary:
      'Track record of every model version that served predictions, filtered by competition and kick-off',
  })
  @ApiOkResponse({ type: [ModelPerformanceView] })
  @ApiProblems(400)
  async all(@Query() query: PerformanceQuery): Promise<ModelPerformanceView[]> {
    return this.performance.byVersion({
      ...(query.competition
        ? { competition: await this.matchData.competitionCode(query.competition) }
        : {}),
      ...(query.from ? { from: apiInstant(query.from) } : {}),
      ...(query.to ? { to: apiInstant(query.to) } : {}),
    });
  }
}
