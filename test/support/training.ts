import type { TrainingRunView } from '../../src/training/training.dto';
import type { Inject } from './test-app';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** Polls GET /v1/training-runs/:id until the run is final; fails after `timeoutMs`. */
export async function waitForTraining(
  inject: Inject,
  id: string,
  timeoutMs = 120_000,
): Promise<TrainingRunView> {
  const deadline = Date.now() + timeoutMs;
  let last: TrainingRunView | undefined;
  while (Date.now() < deadline) {
    const response = await inject({ method: 'GET', url: `/v1/training-runs/${id}` });
    if (response.statusCode !== 200) {
      throw new Error(
        `GET /v1/training-runs/${id} answered ${response.statusCode}: ${response.body}`,
      );
    }
    last = response.json<TrainingRunView>();
    if (FINAL.includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `training run ${id} not final after ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`,
  );
}

/** POST /v1/training-runs and wait for it; throws unless it succeeded. */
export async function train(
  inject: Inject,
  body: Record<string, unknown>,
): Promise<TrainingRunView> {
  const created = await inject({ method: 'POST', url: '/v1/training-runs', payload: body });
  if (created.statusCode !== 202) {
    throw new Error(`POST /v1/training-runs answered ${created.statusCode}: ${created.body}`);
  }
  const run = await waitForTraining(inject, created.json<TrainingRunView>().id);
  if (run.status !== 'succeeded') throw new Error(`training failed: ${JSON.stringify(run)}`);
  return run;
}
