import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { MatchRecord } from '../src/matches/ingestion/match-record';
import { DomainEvents } from '../src/common/events/domain-events';
import { startTestApp, TestApp } from './support/test-app';

/** Without AUTO_TRAIN_NEW_COMPETITIONS (test and production profiles), results train nothing. */
describe('no automatic first model by default (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('queues no training run when a competition without a model gets results', async () => {
    const league = generatedLeague(new Date());
    const ingestion = testApp.app.get(IngestionService);
    await ingestion.importParsed(league);
    const fixture = league.records.find((r) => r.status === 'scheduled') as MatchRecord;
    const played: MatchRecord = { ...fixture, status: 'finished', homeGoals: 2, awayGoals: 1 };
    // The same flow trains a model when switched on (test/auto-training.e2e-spec.ts).
    await ingestion.importParsed({ ...league, records: [played], rowsRead: 1 });
    const runs = await testApp.asAdmin({ url: '/v1/training-runs' });
    expect(runs.json()).toEqual([]);
  });

  it('queues one global first model when demo data has been loaded, as trigger demo-data', async () => {
    await testApp.app.get(DomainEvents).emit('demo.loaded', { matches: 1 });
    const runs = (await testApp.asAdmin({ url: '/v1/training-runs' })).json();
    expect(runs).toEqual([
      expect.objectContaining({
        trigger: 'demo-data',
        requestedBy: null,
        modelType: 'ensemble',
        scope: 'global',
      }),
    ]);
  });
});
