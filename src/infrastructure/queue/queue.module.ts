import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { BullJobQueue } from './bull-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueue } from './job-queue';

function createJobQueue(config: AppConfig): JobQueue {
  const logger = new Logger('JobQueue');
  if (config.redisUrl) {
    const runsWorkers = config.role !== 'api';
    logger.log(`jobs run on Bull (Redis)${runsWorkers ? '' : '; this api replica only enqueues'}`);
    return new BullJobQueue(config.redisUrl, runsWorkers, config.queuePrefix);
  }
  logger.log('REDIS_URL not set: jobs run in-process');
  return new InProcessJobQueue();
}

@Injectable()
class JobQueueLifecycle implements OnApplicationShutdown {
  constructor(private readonly queue: JobQueue) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: JobQueue, inject: [AppConfig], useFactory: createJobQueue },
    JobQueueLifecycle,
  ],
  exports: [JobQueue],
})
export class QueueModule {}
