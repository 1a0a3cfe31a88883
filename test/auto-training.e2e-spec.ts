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

  const league = generatedLeague(new Date());

  /** The result of one of the league's fixtures, imported. */
  async function finishOne(): Promise<void> {
    const fixture = league.records.find((r) => r.status === 'scheduled') as MatchRecord;
    const played: MatchRecord = { ...fixture, status: 'finished', homeGoals: 2, awayGoals: 1 };
    await testApp.app
      .get(IngestionService)
      .importParsed({ ...league, records: [played], rowsRead: 1 });
  }

  const runs = async () =>
    (await inject({ url: '/v1/training-runs?pageSize=200' })).json<TrainingRunView[]>();

  it('trains an ensemble for the competition, which then has a champion', async () => {
    testApp = await startTestApp({
      AUTO_TRAIN_NEW_COMPETITIONS: 'on',
      AUTO_TRAIN_MIN_MATCHES: '50',
    });
    // Imported without announcing (as the demo data is, announced once when all of it is in).
    const quiet = {
      ...league,
      records: league.records.map((r) => ({
        ...r,
        sourceKey: `quiet:${r.sourceKey}`,
        competition: { ...r.competition, code: 'generated/quiet-division', name: 'Quiet' },
        homeTeam: `Quiet ${r.homeTeam}`,
        awayTeam: `Quiet ${r.awayTeam}`,
      })),
    };
    const quietReport = await testApp.app
      .get(IngestionService)
      .importParsed(quiet, { announce: false });
    expect(quietReport.counts.matchesInserted).toBe(league.records.length);
    expect(await runs()).toEqual([]);
    // A league's history arriving in one import: its results are all new matches, first seen
    // finished (no stored match moves to finished), and they are what a first model needs.
    const report = await testApp.app.get(IngestionService).importParsed(league);
    expect(report.counts.matchesUpdated).toBe(0);
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
    await finishOne();
    expect((await runs()).length).toBe(1);
  });
});
