import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ReadinessRegistry } from '../health/readiness.registry';
import { MetricsService } from '../metrics/metrics.service';
import { RedisProbe } from './redis-probe';
import { BullJobQueue } from './bull-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { InstrumentedJobQueue } from './instrumented-job-queue';
import { JobQueue } from './job-queue';

function createJobQueue(config: AppConfig, metrics: MetricsService): JobQueue {
  return new InstrumentedJobQueue(createBackend(config), metrics);
}

function createBackend(config: AppConfig): JobQueue {
  const logger = new Logger('JobQueue');
  if (config.redisUrl) {
    const runsWorkers = config.runsJobs;
    logger.log(`jobs run on Bull (Redis)${runsWorkers ? '' : '; this api replica only enqueues'}`);
    return new BullJobQueue(config.redisUrl, runsWorkers, config.queuePrefix);
  }
  logger.log('REDIS_URL not set: jobs run in-process');
  return new InProcessJobQueue();
}

@Injectable()
class JobQueueLifecycle implements OnApplicationShutdown {
  private readonly redis?: RedisProbe;

  constructor(
    private readonly queue: JobQueue,
    readiness: ReadinessRegistry,
    config: AppConfig,
  ) {
    readiness.register('queue', () => queue.ping(), { backend: queue.backend });
    if (config.redisUrl) {
      const redis = (this.redis = new RedisProbe(config.redisUrl));
      readiness.register('redis', () => redis.ping());
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.close();
    await this.queue.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: JobQueue, inject: [AppConfig, MetricsService], useFactory: createJobQueue },
    JobQueueLifecycle,
  ],
  exports: [JobQueue],
})
export class QueueModule {}
