import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { CollectorSourceConfig } from '../../config/collector-sources';
import {
  BreakerState,
  CollectorSource,
  PollCounts,
  PollOutcome,
} from '../entities/collector.entity';
import { CircuitBreaker } from './circuit-breaker';
import type { PollResult } from './collector.service';

export class PollCountsView {
  @ApiProperty({ example: 412 }) rowsRead!: number;
  @ApiProperty({ example: 2 }) matchesInserted!: number;
  @ApiProperty({ example: 5 }) matchesUpdated!: number;
  @ApiProperty({ example: 405 }) matchesUnchanged!: number;
  @ApiProperty({ example: 9 }) oddsWritten!: number;
  @ApiProperty({ example: 0 }) rowsRejected!: number;
}

export class PollView {
  @ApiProperty({ example: 'virtual-league' }) sourceId!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ enum: PollOutcome }) outcome!: PollOutcome;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'http://feed.example/matches: the source answered HTTP 503 Service Unavailable',
  })
  reason!: string | null;
  @ApiProperty({ example: 1, description: 'Fetch attempts, retries included' }) attempts!: number;
  @ApiProperty({ type: PollCountsView, nullable: true }) counts!: PollCounts | null;
  @ApiProperty({ example: '2026-11-21T18:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: 143 }) durationMs!: number;

  static of(poll: PollResult): PollView {
    return { ...poll, startedAt: poll.startedAt.toISOString() };
  }
}

export class BreakerView {
  @ApiProperty({
    enum: BreakerState,
    description: 'half-open: the cool-down has passed, or the trial poll that decides is running',
  })
  state!: BreakerState;
  @ApiProperty({ example: 0 }) consecutiveFailures!: number;
  @ApiProperty({ nullable: true, type: String }) openedAt!: string | null;
  @ApiProperty({ example: 5 }) failureThreshold!: number;
  @ApiProperty({ example: 300 }) cooldownSeconds!: number;
}

export class CollectorSourceView {
  @ApiProperty({ example: 'virtual-league' }) id!: string;
  @ApiProperty({ enum: ['football-data-co-uk', 'json', 'virtual-league'] }) provider!: string;
  @ApiProperty({ example: 'http://127.0.0.1:3000/v1/virtual-league/feed' }) url!: string;
  @ApiPropertyOptional({ example: 'https://www.football-data.co.uk/fixtures.csv' })
  fixturesUrl?: string;
  @ApiProperty({ example: 60 }) intervalSeconds!: number;
  @ApiProperty({ example: 10000 }) timeoutMs!: number;
  @ApiProperty({ example: 2 }) retries!: number;
  @ApiProperty({ description: 'False for a source polled before but no longer configured' })
  configured!: boolean;
  @ApiProperty({ nullable: true, type: String }) lastPollAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastErrorAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ example: 120 }) pollsSucceeded!: number;
  @ApiProperty({ example: 3 }) pollsFailed!: number;
  @ApiProperty({ type: PollCountsView, nullable: true, description: 'Of the last successful poll' })
  lastCounts!: PollCounts | null;
  @ApiProperty({ type: BreakerView }) breaker!: BreakerView;

  static of(
    state: CollectorSource,
    config: CollectorSourceConfig | undefined,
  ): CollectorSourceView {
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    return {
      id: state.id,
      provider: config?.provider ?? state.provider,
      url: config?.url ?? '',
      ...(config?.fixturesUrl ? { fixturesUrl: config.fixturesUrl } : {}),
      intervalSeconds: config?.intervalSeconds ?? 0,
      timeoutMs: config?.timeoutMs ?? 0,
      retries: config?.retries ?? 0,
      configured: config !== undefined,
      lastPollAt: iso(state.lastPollAt),
      lastSuccessAt: iso(state.lastSuccessAt),
      lastErrorAt: iso(state.lastErrorAt),
      lastError: state.lastError,
      pollsSucceeded: state.pollsSucceeded,
      pollsFailed: state.pollsFailed,
      lastCounts: state.lastCounts,
      breaker: {
        state: CircuitBreaker.reported(
          {
            state: state.breakerState,
            consecutiveFailures: state.consecutiveFailures,
            openedAt: state.breakerOpenedAt,
          },
          config?.breaker,
          new Date(),
        ),
        consecutiveFailures: state.consecutiveFailures,
        openedAt: iso(state.breakerOpenedAt),
        failureThreshold: config?.breaker.failureThreshold ?? 0,
        cooldownSeconds: config?.breaker.cooldownSeconds ?? 0,
      },
    };
  }
}

export class PollListQuery {
  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 20;
}
