import { IngestionService } from '../src/matches/imports/ingestion.service';
import { query } from './support/databases';
import { startTestApp, TestApp } from './support/test-app';

// Ingestion writes in chunks of 10,000 rows, all in one transaction: a bigger file must commit
// every chunk (the second one once failed creating its scratch table a second time).
describe('an import of more than one write chunk (PostgreSQL)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  it('commits a file of 10,050 matches in one import', async () => {
    const teams = Array.from({ length: 20 }, (_, i) => `Chunkland ${String.fromCharCode(65 + i)}`);
    const lines = [
      'date,home_team,away_team,home_score,away_score,tournament,city,country,neutral',
    ];
    const first = Date.UTC(1990, 0, 1);
    for (let i = 0; i < 10_050; i++) {
      // Ten matches a day, each team once: (day, home, away) is unique.
      const day = new Date(first + Math.floor(i / 10) * 86_400_000).toISOString().slice(0, 10);
      const pair = i % 10;
      lines.push(
        `${day},${teams[2 * pair]},${teams[2 * pair + 1]},1,0,Friendly,Here,Nowhere,FALSE`,
      );
    }
    const report = await testApp.app
      .get(IngestionService)
      .importContent(Buffer.from(lines.join('\n')));
    expect(report.outcome).toBe('committed');
    expect(report.counts.rowsRejected).toBe(0);
    expect(report.counts.matchesInserted).toBe(10_050);
    const [{ n }] = await query<{ n: string }>(
      testApp.databaseUrl,
      'select count(*) as n from matches',
    );
    expect(Number(n)).toBe(10_050);
  }, 120_000);
});
