import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AppConfigModule } from './config/config.module';
import { ProblemFilter } from './common/problem/problem.filter';
import { createValidationPipe } from './common/problem/validation';
import { QueryParametersGuard } from './common/http/query-parameters.guard';
import { DatabaseModule } from './infrastructure/database/database.module';
import { HealthModule } from './infrastructure/health/health.module';
import { LoggingModule } from './infrastructure/logging/logging.module';
import { MetricsModule } from './infrastructure/metrics/metrics.module';
import { QueueModule } from './infrastructure/queue/queue.module';
import { MatchesModule } from './matches/matches.module';
import { CacheModule } from './infrastructure/cache/cache.module';
import { EventsModule } from './common/events/events.module';
import { TrainingModule } from './training/training.module';
import { PredictionsModule } from './predictions/predictions.module';
import { AuthModule } from './auth/auth.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    MetricsModule,
    HealthModule,
    DatabaseModule,
    QueueModule,
    CacheModule,
    EventsModule,
    AuthModule,
    MatchesModule,
    TrainingModule,
    PredictionsModule,
    WebhooksModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_GUARD, useClass: QueryParametersGuard },
  ],
})
export class AppModule {}
