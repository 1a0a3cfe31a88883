import { resolveHyperparameters } from '../../modelling';
import { runTrainingInThread } from './run-training';

describe('runTrainingInThread', () => {
  it('rejects with a RangeError when the models refuse their input, as the service expects', async () => {
    // No match at all: trainServedModel throws a RangeError inside the thread.
    const training = runTrainingInThread(
      [],
      {
        type: 'elo',
        hyperparameters: resolveHyperparameters(),
        asOf: Date.UTC(2024, 0, 1),
        evaluationWeeks: 4,
      },
      () => undefined,
    );
    await expect(training).rejects.toThrow(RangeError);
    await expect(training).rejects.toThrow('no finished matches before the fit time');
  });
});
