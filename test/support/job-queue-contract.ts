import type { JobQueue, JobStatus } from '../../src/infrastructure/queue/job-queue';

/**
 * The behaviour every JobQueue implementation promises, as one test body. Run it against each
 * implementation (in-process in a unit spec, Bull on real Redis in an e2e spec) so both are held
 * to exactly the same assertions.
 */
export interface JobQueueContractOptions {
  /** A new, empty queue backend for one test; the contract closes it after the test. */
  create(): JobQueue;
  /** Longest wait for any one condition (Bull on Redis needs more than the in-process runner). */
  timeoutMs?: number;
}

const BACKOFF_MS = 50;
/** setTimeout and Redis-scheduled delays may fire a few ms early relative to Date.now(). */
const TIMER_SLACK_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function jobQueueContract({ create, timeoutMs = 5000 }: JobQueueContractOptions): void {
  let queue: JobQueue;
  let counter = 0;
  /** A queue name no other test of this run uses. */
  const name = () => `contract-${process.pid}-${++counter}`;

  /** Polls until `check` returns a value, or fails naming `what` and the last status seen. */
  async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined> | T | undefined,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(10);
    }
  }

  /** Waits for the job to reach `state` and returns its status then. */
  async function waitForState(
    q: string,
    id: string,
    state: JobStatus['state'],
  ): Promise<JobStatus> {
    let last: JobStatus | undefined;
    try {
      return await waitFor(`job ${id} to be ${state}`, async () => {
        last = await queue.status(q, id);
        return last?.state === state ? last : undefined;
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}; last status ${JSON.stringify(last)}`);
    }
  }

  /** Gates of the current test, opened after it so a failed assertion never leaves a job hanging. */
  let gates: Array<() => void> = [];
  /** A promise with its resolve function exposed: lets a test hold a job open, then release it. */
  function gate(): { promise: Promise<void>; open: () => void } {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    gates.push(open);
    return { promise, open };
  }

  beforeEach(() => {
    queue = create();
  });
  afterEach(async () => {
    for (const open of gates) open();
    gates = [];
    await queue.close();
  });

  it('runs a job to completion with its result, progress 100 and one attempt', async () => {
    const q = name();
    const seen: Array<{ data: unknown; attempt: number }> = [];
    queue.process<{ n: number }, { doubled: number }>(q, async ({ data, attempt }) => {
      seen.push({ data, attempt });
      return { doubled: data.n * 2 };
    });
    const id = await queue.enqueue(q, { n: 21 });
    expect(typeof id).toBe('string');

    const status = await waitForState(q, id, 'completed');
    expect(status).toMatchObject({
      id,
      queue: q,
      state: 'completed',
      progress: 100,
      attemptsMade: 1,
    });
    expect(status.result).toEqual({ doubled: 42 });
    expect(seen).toEqual([{ data: { n: 21 }, attempt: 1 }]);
  });

  it('shows progress reported mid-job through status() while the job is active', async () => {
    const q = name();
    const release = gate();
    queue.process(q, async ({ reportProgress }) => {
      await reportProgress(40);
      await release.promise;
      return 'done';
    });
    const id = await queue.enqueue(q, {});

    const midway = await waitFor('progress 40', async () => {
      const status = await queue.status(q, id);
      return status?.progress === 40 ? status : undefined;
    });
    expect(midway).toMatchObject({ state: 'active', progress: 40, attemptsMade: 1 });

    release.open();
    expect(await waitForState(q, id, 'completed')).toMatchObject({ progress: 100, result: 'done' });
  });

  it('retries a failing job with exponential backoff, then marks it failed', async () => {
    const q = name();
    const attempts: Array<{ attempt: number; at: number }> = [];
    queue.process(q, async ({ attempt }) => {
      attempts.push({ attempt, at: Date.now() });
      throw new Error(`boom on attempt ${attempt}`);
    });
    const id = await queue.enqueue(q, {}, { attempts: 3, backoffMs: BACKOFF_MS });

    const status = await waitForState(q, id, 'failed');
    expect(status).toMatchObject({
      state: 'failed',
      attemptsMade: 3,
      failedReason: 'boom on attempt 3',
    });
    expect(status.result).toBeUndefined();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // First retry waits at least the backoff, the second at least twice as long (exponential).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(BACKOFF_MS - TIMER_SLACK_MS);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(2 * BACKOFF_MS - TIMER_SLACK_MS);

    // No fourth attempt is made.
    await sleep(4 * BACKOFF_MS);
    expect(attempts).toHaveLength(3);
  });

  it('doubles the delay on each retry: 1x, 2x, 4x the backoff (the delays callers report)', async () => {
    const q = name();
    const backoffMs = 250;
    const at: number[] = [];
    queue.process(q, async () => {
      at.push(Date.now());
      throw new Error('still failing');
    });
    const id = await queue.enqueue(q, {}, { attempts: 4, backoffMs });
    await waitForState(q, id, 'failed');
    const delays = at.slice(1).map((time, i) => time - at[i]);
    // Each within [n x backoff, n x backoff + half a backoff): 1x, 3x, 7x (Bull's own
    // "exponential") is not doubling. A delay out of its range is shown as it is.
    const expected = [1, 2, 4].map((n) => n * backoffMs);
    expect(
      delays.map((delay, i) =>
        delay >= expected[i] - TIMER_SLACK_MS && delay < expected[i] + backoffMs / 2
          ? expected[i]
          : delay,
      ),
    ).toEqual(expected);
  });

  it('fails at once, without retrying, when attempts is left at its default of 1', async () => {
    const q = name();
    let runs = 0;
    queue.process(q, async () => {
      runs += 1;
      throw new Error('no retry');
    });
    const id = await queue.enqueue(q, {}, { backoffMs: BACKOFF_MS });

    expect(await waitForState(q, id, 'failed')).toMatchObject({
      attemptsMade: 1,
      failedReason: 'no retry',
    });
    await sleep(3 * BACKOFF_MS);
    expect(runs).toBe(1);
  });

  it('is delayed between attempts and completes on a retry, counting both attempts', async () => {
    const q = name();
    const backoffMs = 300; // long enough to observe the delayed state reliably
    const attempts: number[] = [];
    queue.process<unknown, string>(q, async ({ attempt }) => {
      attempts.push(attempt);
      if (attempt === 1) throw new Error('transient');
      return `ok on attempt ${attempt}`;
    });
    const id = await queue.enqueue(q, {}, { attempts: 3, backoffMs });

    await waitFor('the first attempt', () => (attempts.length > 0 ? true : undefined));
    const between = await waitFor('the state after the first failure', async () => {
      const status = await queue.status(q, id);
      return status && status.state !== 'active' && status.state !== 'waiting' ? status : undefined;
    });
    expect(between).toMatchObject({ state: 'delayed', attemptsMade: 1, failedReason: 'transient' });

    const status = await waitForState(q, id, 'completed');
    expect(status).toMatchObject({ state: 'completed', attemptsMade: 2, progress: 100 });
    expect(status.result).toBe('ok on attempt 2');
    expect(attempts).toEqual([1, 2]);
  });

  it('never runs more jobs of a queue at once than its concurrency', async () => {
    const q = name();
    const release = gate();
    let running = 0;
    let maxRunning = 0;
    queue.process<{ index: number }, number>(
      q,
      async ({ data }) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await release.promise;
        running -= 1;
        return data.index;
      },
      2,
    );
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await queue.enqueue(q, { index }));

    await waitFor('two jobs running', () => (running === 2 ? true : undefined));
    await sleep(200); // a third job would start in this window if the limit were not enforced
    expect(running).toBe(2);
    const states = await Promise.all(ids.map(async (id) => (await queue.status(q, id))?.state));
    expect(states.filter((s) => s === 'active')).toHaveLength(2);
    expect(states.filter((s) => s === 'waiting')).toHaveLength(3);

    release.open();
    const results = await Promise.all(
      ids.map(async (id) => (await waitForState(q, id, 'completed')).result),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(maxRunning).toBe(2);
  });

  it('keeps jobs waiting until a handler is registered', async () => {
    const q = name();
    const id = await queue.enqueue(q, { early: true });
    await sleep(100);
    expect(await queue.status(q, id)).toMatchObject({
      state: 'waiting',
      progress: 0,
      attemptsMade: 0,
    });

    queue.process(q, async ({ data }) => data);
    expect((await waitForState(q, id, 'completed')).result).toEqual({ early: true });
  });

  it('adds a job with a given id once while that job is still to run', async () => {
    const q = name();
    const first = await queue.enqueue(q, { n: 1 }, { jobId: 'same-id' });
    const second = await queue.enqueue(q, { n: 2 }, { jobId: 'same-id' });
    expect([first, second]).toEqual(['same-id', 'same-id']);
    const runs: unknown[] = [];
    queue.process(q, async ({ data }) => {
      runs.push(data);
    });
    await waitForState(q, 'same-id', 'completed');
    await sleep(100);
    expect(runs).toEqual([{ n: 1 }]);
  });

  it('adds a job again with the id of one that has finished, failed or completed', async () => {
    const q = name();
    const runs: number[] = [];
    queue.process<{ n: number }, void>(q, async ({ data }) => {
      runs.push(data.n);
      if (data.n === 1) throw new Error('failed for good');
    });
    await queue.enqueue(q, { n: 1 }, { jobId: 'finished-id' });
    await waitForState(q, 'finished-id', 'failed');
    // A sweeper re-enqueueing work whose job failed for good (the webhook requeue does).
    await queue.enqueue(q, { n: 2 }, { jobId: 'finished-id' });
    await waitForState(q, 'finished-id', 'completed');
    await queue.enqueue(q, { n: 3 }, { jobId: 'finished-id' });
    await waitFor('the third run', () => (runs.length === 3 ? true : undefined));
    expect(runs).toEqual([1, 2, 3]);
  });

  it('runs a scheduled job on every tick of its cron', async () => {
    const q = name();
    const runs: string[] = [];
    queue.process<{ task: string }, void>(q, async ({ id, data }) => {
      runs.push(`${id}:${data.task}`);
    });
    await queue.schedule(q, 'every-second', '* * * * * *', { task: 'tick' });
    await waitFor('two scheduled runs', () => (runs.length >= 2 ? true : undefined));
    expect(new Set(runs).size).toBe(runs.length);
    expect(runs.every((r) => r.endsWith(':tick'))).toBe(true);
  });

  it('runs a job on every tick of an interval, replaced when declared again, until unscheduled', async () => {
    const q = name();
    const runs: string[] = [];
    queue.process<{ task: string }, void>(q, async ({ data }) => {
      runs.push(data.task);
    });
    await queue.scheduleEvery(q, 'interval', 5_000, { task: 'slow' });
    // Declared again with a shorter interval (as a replica with a newer configuration would).
    await queue.scheduleEvery(q, 'interval', 300, { task: 'fast' });
    await waitFor('two runs on the new interval', () => (runs.length >= 2 ? true : undefined));
    expect(runs.every((task) => task === 'fast')).toBe(true);

    await queue.unschedule(q, 'interval');
    await sleep(400); // a tick in flight may still complete
    const after = runs.length;
    await sleep(900); // three ticks would have run if it were still scheduled
    expect(runs.length).toBe(after);
  });

  it('answers undefined for an unknown job id', async () => {
    const q = name();
    queue.process(q, async () => 'x');
    await queue.enqueue(q, {});
    expect(await queue.status(q, '999999999')).toBeUndefined();
    expect(await queue.status(q, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await queue.status(`${q}-never-used`, '1')).toBeUndefined();
  });

  it('answers ping while it can take jobs', async () => {
    await expect(queue.ping()).resolves.toBeUndefined();
  });

  it('waits for the running job when closed', async () => {
    const q = name();
    let finished = false;
    queue.process(q, async () => {
      await sleep(300);
      finished = true;
      return 'finished';
    });
    const id = await queue.enqueue(q, {});
    await waitForState(q, id, 'active');

    const started = Date.now();
    await queue.close();
    expect(finished).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(100);
  });

  it('counts the jobs of a queue in each state', async () => {
    const q = name();
    const release = gate();
    queue.process(
      q,
      async ({ data }) => {
        if ((data as { fail?: boolean }).fail) throw new Error('bad job');
        await release.promise;
      },
      1,
    );
    const failing = await queue.enqueue(q, { fail: true });
    await waitForState(q, failing, 'failed');
    const running = await queue.enqueue(q, {});
    await waitForState(q, running, 'active');
    await queue.enqueue(q, {});
    await queue.enqueue(q, {});
    expect(await queue.counts(q)).toEqual({
      waiting: 2,
      active: 1,
      completed: 0,
      failed: 1,
      delayed: 0,
    });
    release.open();
    await waitFor('every job to complete', async () =>
      (await queue.counts(q)).completed === 3 ? true : undefined,
    );
    expect(await queue.counts(`${q}-never-used`)).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
    });
  });

  it('tells the handler how many attempts it has in all', async () => {
    const q = name();
    const seen: Array<[number, number]> = [];
    queue.process(q, async ({ attempt, maxAttempts }) => {
      seen.push([attempt, maxAttempts]);
      if (attempt < 2) throw new Error('again');
    });
    const id = await queue.enqueue(q, {}, { attempts: 3, backoffMs: BACKOFF_MS });
    await waitForState(q, id, 'completed');
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
    ]);
  });

  it('stops processing: the running job finishes, no new one starts, enqueueing still works', async () => {
    const q = name();
    const release = gate();
    const started: number[] = [];
    queue.process<{ n: number }, number>(q, async ({ data }) => {
      started.push(data.n);
      await release.promise;
      return data.n;
    });
    const first = await queue.enqueue(q, { n: 1 });
    await waitForState(q, first, 'active');
    const second = await queue.enqueue(q, { n: 2 });

    const stopping = queue.stopProcessing();
    await sleep(100);
    release.open();
    await stopping;
    expect(await queue.status(q, first)).toMatchObject({ state: 'completed', result: 1 });

    const third = await queue.enqueue(q, { n: 3 });
    await sleep(300); // a job would start in this window if the process still took jobs
    expect(started).toEqual([1]);
    expect((await queue.status(q, second))?.state).toBe('waiting');
    expect((await queue.status(q, third))?.state).toBe('waiting');
  });

  it('starts no retry after being closed', async () => {
    const q = name();
    const attempts: number[] = [];
    queue.process(q, async ({ attempt }) => {
      attempts.push(attempt);
      throw new Error('transient');
    });
    const id = await queue.enqueue(q, {}, { attempts: 3, backoffMs: 100 });
    await waitForState(q, id, 'delayed');

    await queue.close();
    await sleep(400); // both retries would have been due by now
    expect(attempts).toEqual([1]);
  });
}
