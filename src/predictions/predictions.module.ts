import { Module } from '@nestjs/common';
import { MatchesModule } from '../matches/matches.module';
import { TrainingModule } from '../training/training.module';
import { EvaluationService } from './evaluation/evaluation.service';
import { ModelOversightService } from './evaluation/model-oversight.service';
import { PerformanceController } from './evaluation/performance.controller';
import { PerformanceService } from './evaluation/performance.service';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerService } from './ledger/ledger.service';
import { CachedPredictionFastPath } from './cached-prediction-fast-path';
import { FixtureDetailCache } from './fixture-detail-cache';
import { PredictionCache } from './prediction-cache';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';

@Module({
  imports: [MatchesModule, TrainingModule],
  controllers: [PredictionsController, LedgerController, PerformanceController],
  providers: [
    PredictionsService,
    PredictionCache,
    FixtureDetailCache,
    LedgerService,
    EvaluationService,
    PerformanceService,
    ModelOversightService,
    CachedPredictionFastPath,
  ],
  exports: [PredictionsService, LedgerService, PerformanceService, CachedPredictionFastPath],
})
export class PredictionsModule {}
