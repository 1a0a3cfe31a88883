import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { MatchInput, TrainedModel, TrainingProgress, TrainingSpec } from '../../modelling';

export type ThreadMessage =
  | { kind: 'progress'; progress: TrainingProgress }
  | { kind: 'done'; result: TrainedModel }
  | { kind: 'error'; message: string; name: string };

export class TrainingCancelledError extends Error {
  constructor() {
    super('training cancelled');
  }
}

/**
 * Trains in a worker thread. `signal` aborts it at once (the thread is terminated), rejecting
 * with TrainingCancelledError.
 */
export function runTrainingInThread(
  matches: readonly MatchInput[],
  spec: TrainingSpec,
  onProgress: (progress: TrainingProgress) => void,
  signal?: AbortSignal,
): Promise<TrainedModel> {
  // Compiled: the .js beside this file. From TypeScript sources (tests, the CLI), the thread
  // compiles its .ts on the fly like the parent does.
  const compiled = __filename.endsWith('.js');
  const entry = path.join(__dirname, `training-thread.${compiled ? 'js' : 'ts'}`);
  const worker = new Worker(entry, {
    workerData: { matches, spec },
    execArgv: compiled ? [] : ['-r', '@swc-node/register'],
  });
  return new Promise<TrainedModel>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      action();
    };
    const abort = () => {
      settle(() => reject(new TrainingCancelledError()));
      void worker.terminate();
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort);
    worker.on('message', (message: ThreadMessage) => {
      if (message.kind === 'progress') onProgress(message.progress);
      else if (message.kind === 'done') settle(() => resolve(message.result));
      // A RangeError is the models refusing their input: it stays one, so no retry is wasted.
      else
        settle(() =>
          reject(
            message.name === 'RangeError'
              ? new RangeError(message.message)
              : new Error(message.message),
          ),
        );
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`training thread exited with code ${code}`))),
    );
  });
}
