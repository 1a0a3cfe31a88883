import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { TrainingRunView } from '../src/training/training.dto';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train } from './support/training';

/** Scheduled retraining (TRAINING_SCHEDULE): each tick retrains the champion into a challenger. */
describe('scheduled retraining (e2e)', () => {
  let testApp: TestApp;
  const inject: Inject = (options) => testApp.asAdmin(options);

  beforeAll(async () => {
    testApp = await startTestApp({ TRAINING_SCHEDULE: '*/2 * * * * *' });
    await testApp.app.get(IngestionService).importParsed(generatedLeague(new Date()));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('retrains the champion with its settings on the schedule; the new version becomes challenger', async () => {
    const first = await train(inject, {
      modelType: 'elo',
      competitions: ['generated/premier-division'],
      hyperparameters: { elo: { k: 12 } },
      evaluationWeeks: 6,
    });
    let scheduled: TrainingRunView | undefined;
    for (let i = 0; i < 200 && scheduled?.status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const runs = (await inject({ url: '/v1/training-runs' })).json<TrainingRunView[]>();
      scheduled = runs.find((r) => r.trigger === 'schedule');
    }
    expect(scheduled).toMatchObject({
      status: 'succeeded',
      modelType: 'elo',
      scope: 'generated/premier-division',
      hyperparameters: { elo: { k: 12 } },
      evaluationWeeks: 6,
    });
    const aliases = (await inject({ url: '/v1/models/aliases' })).json();
    expect(aliases).toEqual([
      {
        scope: 'generated/premier-division',
        champion: first.modelVersionId,
        challenger: scheduled?.modelVersionId,
      },
    ]);
    // Ticks while a run is active never queue a second one for the same scope.
    const runs = (await inject({ url: '/v1/training-runs?pageSize=200' })).json<
      TrainingRunView[]
    >();
    const overlapping = runs.filter((a) =>
      runs.some((b) => a.id !== b.id && a.scope === b.scope && overlaps(a, b)),
    );
    expect(overlapping).toEqual([]);
  });

  it('keeps a global champion global when it was trained on the only competition stored', async () => {
    const global = await train(inject, { modelType: 'elo', evaluationWeeks: 6 });
    expect(global.scope).toBe('global');
    let retrain: TrainingRunView | undefined;
    for (let i = 0; i < 200 && retrain?.status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const runs = (await inject({ url: '/v1/training-runs?pageSize=200' })).json<
        TrainingRunView[]
      >();
      retrain = runs.find(
        (r) => r.trigger === 'schedule' && r.scope === 'global' && r.id !== global.id,
      );
    }
    expect(retrain).toMatchObject({
      status: 'succeeded',
      competitions: ['generated/premier-division'],
    });
  });
});

function overlaps(a: TrainingRunView, b: TrainingRunView): boolean {
  const start = (r: TrainingRunView) => Date.parse(r.createdAt);
  const end = (r: TrainingRunView) => (r.finishedAt ? Date.parse(r.finishedAt) : Infinity);
  return start(a) < end(b) && start(b) < end(a);
}
