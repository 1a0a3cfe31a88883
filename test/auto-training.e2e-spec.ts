import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { MatchRecord } from '../src/matches/ingestion/match-record';
import type { TrainingRunView } from '../src/training/training.dto';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { waitForTraining } from './support/training';

const COMPETITION = 'generated/premier-division';

/**
 * A competition that arrives without a model gets one once it has enough results. (Off in the
 * test profile by default, as in production: test/auto-training-off.e2e-spec.ts; the
 * configuration is read once per test file, hence two files.)
 */
describe('first model for a new competition (e2e)', () => {
  let testApp: TestApp;
  const inject: Inject = (options) => testApp.asAdmin(options);

  afterAll(async () => {
    await testApp?.close();
  });

  /** Imports a league (inserts announce nothing), then the result of one of its fixtures. */
  async function importThenFinishOne(): Promise<void> {
    const league = generatedLeague(new Date());
    const ingestion = testApp.app.get(IngestionService);
    await ingestion.importParsed(league);
    const fixture = league.records.find((r) => r.status === 'scheduled') as MatchRecord;
    const played: MatchRecord = { ...fixture, status: 'finished', homeGoals: 2, awayGoals: 1 };
    await ingestion.importParsed({ ...league, records: [played], rowsRead: 1 });
  }

  const runs = async () =>
    (await inject({ url: '/v1/training-runs?pageSize=200' })).json<TrainingRunView[]>();

  it('trains an ensemble for the competition, which then has a champion', async () => {
    testApp = await startTestApp({
      AUTO_TRAIN_NEW_COMPETITIONS: 'on',
      AUTO_TRAIN_MIN_MATCHES: '50',
    });
    await importThenFinishOne();
    const [run] = await runs();
    expect(run).toMatchObject({
      trigger: 'new-competition',
      modelType: 'ensemble',
      scope: COMPETITION,
      competitions: [COMPETITION],
    });
    expect(await waitForTraining(inject, run.id)).toMatchObject({ status: 'succeeded' });
    const aliases = (await inject({ url: '/v1/models/aliases' })).json();
    expect(aliases).toEqual([
      expect.objectContaining({ scope: COMPETITION, champion: expect.any(String) }),
    ]);
    // Covered now: later results train nothing more on their own.
    await importThenFinishOne();
    expect((await runs()).length).toBe(1);
  });
});
