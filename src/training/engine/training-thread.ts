// Entry point of the worker thread that trains a model, so a long fit never blocks the event
// loop serving HTTP and jobs. Receives the matches and spec, posts progress and the result.
import { parentPort, workerData } from 'node:worker_threads';
import { trainServedModel, type MatchInput, type TrainingSpec } from '../../modelling';
import type { ThreadMessage } from './run-training';

const { matches, spec } = workerData as { matches: MatchInput[]; spec: TrainingSpec };
const post = (message: ThreadMessage) => parentPort?.postMessage(message);
try {
  const result = trainServedModel(matches, spec, (progress) =>
    post({ kind: 'progress', progress }),
  );
  post({ kind: 'done', result });
} catch (error) {
  post({
    kind: 'error',
    message: error instanceof Error ? error.message : String(error),
    name: error instanceof Error ? error.name : 'Error',
  });
}
