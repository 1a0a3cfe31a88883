import { Logger } from '@nestjs/common';
import { jobQueueContract } from '../../../test/support/job-queue-contract';
import { InProcessJobQueue } from './in-process-job-queue';

describe('in-process job queue', () => {
  // The queue logs each retry through Nest's logger; keep the test output readable.
  beforeAll(() => Logger.overrideLogger(false));

  jobQueueContract({ create: () => new InProcessJobQueue() });

  it('refuses new jobs and fails ping once closed', async () => {
    const queue = new InProcessJobQueue();
    await queue.close();
    await expect(queue.ping()).rejects.toThrow('closed');
    await expect(queue.enqueue('after-close', {})).rejects.toThrow('closed');
  });
});
