import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { ModelOversightService } from '../src/predictions/evaluation/model-oversight.service';
import { PerformanceService } from '../src/predictions/evaluation/performance.service';
import { ModelRegistryService } from '../src/training/model-registry.service';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train } from './support/training';

const COMPETITION = 'generated/premier-division';

/**
 * The automatic promotion decided against the aliases as they are when it is applied, not as a
 * replica's two-second alias cache last saw them: another replica (or an admin) may have changed
 * the champion meanwhile, or promoted the same challenger already.
 */
describe('automatic promotion against changed aliases (e2e)', () => {
  let testApp: TestApp;
  const inject: Inject = (options) => testApp.asAdmin(options);
  let champion: string;
  let challenger: string;
  let other: string;

  const aliasesInDatabase = async () =>
    Object.fromEntries(
      (
        await query<{ alias: string; version_id: string }>(
          testApp.databaseUrl,
          'select alias, version_id from model_aliases where scope = $1',
          [COMPETITION],
        )
      ).map((r) => [r.alias, r.version_id]),
    );
  /** What another replica's promotion leaves in the database, unseen by this one's cache. */
  const setChampionElsewhere = (versionId: string) =>
    query(
      testApp.databaseUrl,
      `update model_aliases set version_id = $1 where scope = $2 and alias = 'champion'`,
      [versionId, COMPETITION],
    );
  const autoPromotions = async () =>
    (
      await query<{ n: string }>(
        testApp.databaseUrl,
        `select count(*) as n from model_alias_events where scope = $1 and action = 'auto-promote'
           and version_id = $2`,
        [COMPETITION, challenger],
      )
    ).map((r) => Number(r.n))[0];

  beforeAll(async () => {
    testApp = await startTestApp({
      AUTO_PROMOTE: 'true',
      AUTO_PROMOTE_MIN_MATCHES: '3',
      AUTO_PROMOTE_MARGIN: '0',
    });
    await testApp.app.get(IngestionService).importParsed(generatedLeague(new Date()));
    const version = async (k: number) =>
      (
        await train(inject, {
          modelType: 'elo',
          competitions: [COMPETITION],
          hyperparameters: { elo: { k } },
          evaluationWeeks: 4,
        })
      ).modelVersionId!;
    champion = await version(10);
    challenger = await version(30);
    other = await version(50);
    const promoted = await inject({
      method: 'POST',
      url: `/v1/models/${challenger}/promote`,
      payload: { alias: 'challenger' },
    });
    expect(promoted.statusCode).toBe(200);
    // Both sides frozen on the same fixtures, then scored: the challenger far better.
    const fixtures = await query<{ id: number }>(
      testApp.databaseUrl,
      `select m.id from matches m where m.status = 'scheduled' order by m.kickoff, m.id limit 4`,
    );
    for (const { id } of fixtures) {
      expect((await inject({ url: `/v1/matches/${id}/prediction` })).statusCode).toBe(200);
    }
    await query(
      testApp.databaseUrl,
      `insert into ledger_scores (seq, home_goals, away_goals, outcome, rps, log_loss, brier, correct,
         evaluated_at)
       select seq, 1, 0, 'home', case when model_version_id = $1 then 0.1 else 0.3 end, 1, 0.5,
         true, now()
       from ledger_entries`,
      [challenger],
    );
    const scored = await query<{ model_version_id: string }>(
      testApp.databaseUrl,
      'select e.model_version_id from ledger_entries e join ledger_scores s on s.seq = e.seq',
    );
    expect(scored.filter((r) => r.model_version_id === champion)).toHaveLength(4);
    expect(scored.filter((r) => r.model_version_id === challenger)).toHaveLength(4);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('compares the two only on matches they froze together, not on one frozen later', async () => {
    const performance = testApp.app.get(PerformanceService);
    expect(await performance.headToHead(challenger, champion)).toMatchObject({ count: 4 });
    const [{ id: fixture }] = await query<{ id: number }>(
      testApp.databaseUrl,
      `select m.id from matches m where m.status = 'scheduled' order by m.kickoff, m.id offset 4 limit 1`,
    );
    // The champion serves the fixture alone (no challenger yet), the challenger later.
    const challengerAlias = (present: boolean) =>
      query(
        testApp.databaseUrl,
        present
          ? `insert into model_aliases (scope, alias, version_id, updated_at) values ($1, 'challenger', $2, now())`
          : `delete from model_aliases where scope = $1 and alias = 'challenger'`,
        present ? [COMPETITION, challenger] : [COMPETITION],
      );
    const aliasCacheExpiry = () => new Promise((resolve) => setTimeout(resolve, 2100));
    await challengerAlias(false);
    await aliasCacheExpiry();
    expect((await inject({ url: `/v1/matches/${fixture}/prediction` })).statusCode).toBe(200);
    await challengerAlias(true);
    await aliasCacheExpiry();
    const later = await inject({ url: `/v1/matches/${fixture}/prediction?model=${challenger}` });
    expect(later.statusCode).toBe(200);
    const entries = await query<{ model_version_id: string; served_at: Date }>(
      testApp.databaseUrl,
      'select model_version_id, served_at from ledger_entries where match_id = $1 order by seq',
      [fixture],
    );
    expect(entries.map((e) => e.model_version_id)).toEqual([champion, challenger]);
    expect(entries[1].served_at.getTime()).toBeGreaterThan(entries[0].served_at.getTime());
    await query(
      testApp.databaseUrl,
      `insert into ledger_scores (seq, home_goals, away_goals, outcome, rps, log_loss, brier, correct,
         evaluated_at)
       select seq, 1, 0, 'home', 0.2, 1, 0.5, true, now() from ledger_entries where match_id = $1`,
      [fixture],
    );
    expect(await performance.headToHead(challenger, champion)).toMatchObject({ count: 4 });
  });

  it('never promotes the challenger over a champion it was not compared with', async () => {
    const registry = testApp.app.get(ModelRegistryService);
    const oversight = testApp.app.get(ModelOversightService);
    // This replica's cache says: champion, challenger. Elsewhere, `other` became champion.
    expect((await registry.allAliases()).get(COMPETITION)?.champion?.id).toBe(champion);
    await setChampionElsewhere(other);
    await oversight.afterScoring([challenger]);
    expect(await aliasesInDatabase()).toEqual({ champion: other, challenger });
    expect(await autoPromotions()).toBe(0);
  });

  it('promotes once when two scorings decide it at the same time, failing neither', async () => {
    await query(
      testApp.databaseUrl,
      `insert into model_aliases (scope, alias, version_id, updated_at)
       values ($1, 'champion', $2, now()), ($1, 'challenger', $3, now())
       on conflict (scope, alias) do update set version_id = excluded.version_id`,
      [COMPETITION, champion, challenger],
    );
    const before = await autoPromotions();
    // The cache of the previous test expires.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const oversight = testApp.app.get(ModelOversightService);
    const outcomes = await Promise.allSettled([
      oversight.afterScoring([challenger]),
      oversight.afterScoring([challenger]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await aliasesInDatabase()).toEqual({ champion: challenger });
    expect(await autoPromotions()).toBe(before + 1);
  });
});
