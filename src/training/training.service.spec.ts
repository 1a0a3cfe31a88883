import type { EntityManager } from '@mikro-orm/postgresql';
import type { TrainingProgress } from '../modelling';
import { TrainingService } from './training.service';

type Recorder = ((progress: TrainingProgress) => void) & { written(): Promise<void> };

/**
 * An entity manager whose pool applies each statement after a delay: the first one slowly, as
 * a write waiting for a busy connection would, the later ones at once.
 */
function slowFirstWrite() {
  const applied: string[] = [];
  let calls = 0;
  const pool = {
    query: async ({ values }: { values: unknown[] }) => {
      const delay = calls++ === 0 ? 50 : 0;
      await new Promise((resolve) => setTimeout(resolve, delay));
      for (const line of JSON.parse(values[2] as string) as Array<{ message: string }>)
        applied.push(line.message);
      return { rows: [] };
    },
  };
  const em = { getConnection: () => ({ getNativeClient: async () => pool }) };
  return { em: em as unknown as EntityManager, applied };
}

/** The service with only what progress recording uses. */
const withEntityManager = (em: EntityManager) =>
  new (TrainingService as unknown as new (em: EntityManager) => TrainingService)(em);

describe('TrainingService progress', () => {
  it("writes a run's log lines in the order the training reported them", async () => {
    const { em, applied } = slowFirstWrite();
    const service = withEntityManager(em);
    const job = { reportProgress: async () => undefined };
    const record = (
      service as unknown as { progressRecorder(id: string, job: object): Recorder }
    ).progressRecorder('run', job);
    record({ fraction: 0.9, message: 'final fit' });
    record({ fraction: 1, message: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(applied).toEqual(['final fit', 'done']);
  });

  it('says when every write so far has landed, so the final update comes after them', async () => {
    const { em, applied } = slowFirstWrite();
    const service = withEntityManager(em);
    const record = (
      service as unknown as { progressRecorder(id: string, job: object): Recorder }
    ).progressRecorder('run', { reportProgress: async () => undefined });
    record({ fraction: 0.5, message: 'backtest of the last 8 weeks' });
    record({ fraction: 1, message: 'done' });
    await record.written();
    expect(applied).toEqual(['backtest of the last 8 weeks', 'done']);
  });
});
