import { Module } from '@nestjs/common';
import { MatchesModule } from '../matches/matches.module';
import { ModelRegistryService } from './model-registry.service';
import { ModelsController } from './models.controller';
import { TrainingRunsController } from './training-runs.controller';
import { TrainingScheduleService } from './training-schedule.service';
import { TrainingService } from './training.service';

@Module({
  imports: [MatchesModule],
  controllers: [TrainingRunsController, ModelsController],
  providers: [TrainingService, ModelRegistryService, TrainingScheduleService],
  exports: [TrainingService, ModelRegistryService, TrainingScheduleService],
})
export class TrainingModule {}
