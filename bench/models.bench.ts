// Walk-forward benchmark of the prediction engine on the six-league history.
//   npm run bench:models
// Test window: seasons 2019-2020 .. 2023-2024 (10,475 matches); 2016-2017 .. 2018-2019 are
// predicted too, as the ensembles' warm-up (they train only on earlier walk-forward predictions),
// but not scored.
import { SingleBar, Presets } from 'cli-progress';
import {
  compareModels,
  evaluateBacktest,
  runBacktest,
  type BacktestResult,
} from '../src/modelling/backtest';
import { fitDixonColes } from '../src/modelling/dixon-coles/fit';
import { fitElo } from '../src/modelling/elo/fit';
import { DEFAULT_SUITE, MODEL_NAMES, modelSuite } from '../src/modelling/tuning/suite';
import type { MatchInput } from '../src/modelling/types';
import { loadHistory } from './history-data';
import { formatTable } from './table';

const TEST_SEASONS = ['2019-2020', '2020-2021', '2021-2022', '2022-2023', '2023-2024'];
/** Predicted but not scored: the ensembles' training history (they refit every 4 weeks). */
const WARM_UP_SEASONS = ['2016-2017', '2017-2018', '2018-2019'];
const EXPECTED_TEST_MATCHES = 10_475;
const DAY_MS = 86_400_000;

const TARGETS = {
  statistical: 0.1995,
  withOpening: 0.196,
  withClosing: 0.194,
  totalSeconds: 30,
  warmDixonColesMs: 3,
};
const REFERENCE: Record<string, number> = {
  [MODEL_NAMES.closingLine]: 0.194,
  [MODEL_NAMES.openingLine]: 0.197,
  [MODEL_NAMES.dixonColes]: 0.2005,
  [MODEL_NAMES.elo]: 0.2008,
  [MODEL_NAMES.statistical]: TARGETS.statistical,
  [MODEL_NAMES.withOpening]: TARGETS.withOpening,
  [MODEL_NAMES.withClosing]: TARGETS.withClosing,
};

function seasonStart(matches: readonly MatchInput[], season: string): number {
  return Math.min(...matches.filter((m) => m.season === season).map((m) => m.kickoff));
}

function seasonEnd(matches: readonly MatchInput[], season: string): number {
  return Math.max(...matches.filter((m) => m.season === season).map((m) => m.kickoff));
}

function f4(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(4);
}

function printMetrics(
  title: string,
  report: ReturnType<typeof evaluateBacktest>['overall'],
  models: string[],
) {
  console.log(`\n${title}`);
  const rows = models
    .filter((m) => report[m])
    .map((m) => {
      const o = report[m].outcomes;
      return [m, String(o.count), f4(o.rps), f4(o.logLoss), f4(o.brier), f4(o.accuracy), f4(o.ece)];
    });
  console.log(formatTable(['model', 'n', 'RPS', 'log loss', 'Brier', 'accuracy', 'ECE'], rows));
}

function timeIt<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

const TIMING_WARM_UP = 20;
const TIMING_REPEATS = 50;

/**
 * Median wall time of TIMING_REPEATS calls after TIMING_WARM_UP untimed ones, so the figure is
 * the steady-state cost of a fit (JIT-compiled, as during a long backtest) rather than the first
 * call's compilation; min and max are reported alongside.
 */
function timeRepeated<T>(f: () => T): { value: T; median: number; min: number; max: number } {
  let value = f();
  for (let i = 1; i < TIMING_WARM_UP; i++) value = f();
  const ms: number[] = [];
  for (let i = 0; i < TIMING_REPEATS; i++) {
    const t = timeIt(f);
    value = t.value;
    ms.push(t.ms);
  }
  ms.sort((a, b) => a - b);
  const mid = ms.length >> 1;
  const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  return { value, median, min: ms[0], max: ms[ms.length - 1] };
}

function fitTimings(matches: readonly MatchInput[]) {
  const league = matches.filter((m) => m.competition === 'england/premier-league');
  const asOf = seasonStart(league, '2019-2020');
  const fiveSeasons = league.filter(
    (m) => m.kickoff < asOf && m.kickoff >= seasonStart(league, '2014-2015'),
  );
  const hp = DEFAULT_SUITE.dixonColes;
  // The first (cold, unoptimised) call is reported on its own: it includes JIT compilation.
  const first = timeIt(() => fitDixonColes(fiveSeasons, asOf, hp));
  const weekEarlier = fitDixonColes(fiveSeasons, asOf - 7 * DAY_MS, hp);
  const warm = timeRepeated(() => fitDixonColes(fiveSeasons, asOf, hp, weekEarlier));
  const cold = timeRepeated(() => fitDixonColes(fiveSeasons, asOf, hp));
  const leagueHistory = league.filter((m) => m.kickoff < asOf);
  const allHistory = matches.filter((m) => m.kickoff < asOf);
  const elo = timeRepeated(() => fitElo(leagueHistory, asOf, DEFAULT_SUITE.elo));
  const eloAll = timeRepeated(() => fitElo(allHistory, asOf, DEFAULT_SUITE.elo));
  const ms = (t: { median: number; min: number; max: number }) => [
    t.median.toFixed(2),
    `${t.min.toFixed(2)}..${t.max.toFixed(2)}`,
  ];
  console.log(
    `\nFit timings (Premier League, asOf = start of 2019-2020; median of ${TIMING_REPEATS} fits after ${TIMING_WARM_UP} untimed warm-up fits)`,
  );
  console.log(
    formatTable(
      ['fit', 'matches', 'median ms', 'min..max ms', 'iterations'],
      [
        [
          'Dixon-Coles, 5 seasons, cold',
          String(fiveSeasons.length),
          ...ms(cold),
          String(cold.value.iterations),
        ],
        [
          'Dixon-Coles, 5 seasons, warm (from a fit one week earlier)',
          String(fiveSeasons.length),
          ...ms(warm),
          String(warm.value.iterations),
        ],
        ['Elo, one league, 2009-2019', String(elo.value.matchCount), ...ms(elo), '-'],
        ['Elo, six leagues, 2009-2019', String(eloAll.value.matchCount), ...ms(eloAll), '-'],
      ],
    ),
  );
  const target = TARGETS.warmDixonColesMs;
  console.log(
    `Very first Dixon-Coles fit of the process (cold, incl. JIT compilation): ${first.ms.toFixed(1)} ms. ` +
      `Warm Dixon-Coles fit: median ${warm.median.toFixed(2)} ms (target <= ${target} ms: ${warm.median <= target ? 'met' : 'NOT met'})`,
  );
}

function printComparisons(result: BacktestResult, include: (m: { season: string }) => boolean) {
  const n = MODEL_NAMES;
  const pairs: [string, string][] = [
    [n.withOpening, n.openingLine],
    [n.withClosing, n.closingLine],
    [n.marketRating, n.openingLine],
    [n.statistical, n.dixonColes],
    [n.statistical, n.elo],
    [n.statistical, n.poissonFilter],
    [n.poissonFilter, n.dixonColes],
    [n.dixonColes, n.elo],
    [n.openingLine, n.closingLine],
  ];
  console.log(
    '\nPaired comparisons, RPS (difference = A - B; negative: A better; SE of the mean difference)',
  );
  console.log(
    formatTable(
      ['A', 'B', 'n', 'RPS A', 'RPS B', 'A - B', 'SE', 'z'],
      pairs.map(([a, b]) => {
        const c = compareModels(result, a, b, 'rps', include);
        return [
          a,
          b,
          String(c.count),
          f4(c.meanA),
          f4(c.meanB),
          c.meanDifference.toFixed(5),
          c.standardError.toFixed(5),
          c.z.toFixed(2),
        ];
      }),
    ),
  );
}

function main() {
  const all = loadHistory();
  const testEnd = seasonEnd(all, TEST_SEASONS[TEST_SEASONS.length - 1]) + 1;
  const predictFrom = seasonStart(all, WARM_UP_SEASONS[0]);
  // Nothing after the test window is even handed to the backtester.
  const matches = all.filter((m) => m.kickoff < testEnd);
  const testSeasons = new Set(TEST_SEASONS);
  const include = (m: { season: string }) => testSeasons.has(m.season);
  const testCount = matches.filter((m) => include(m) && m.homeGoals !== undefined).length;
  console.log(
    `Loaded ${all.length} matches; test matches (seasons ${TEST_SEASONS[0]}..${TEST_SEASONS[4]}): ${testCount} (expected ${EXPECTED_TEST_MATCHES})`,
  );
  if (testCount !== EXPECTED_TEST_MATCHES) console.log('WARNING: unexpected test match count');

  const bar = new SingleBar(
    {
      format: 'backtest [{bar}] {percentage}% | week {value}/{total} | {duration}s',
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  let started = false;
  const result = runBacktest(matches, modelSuite(), {
    predictFrom,
    predictUntil: testEnd,
    onWeek: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  bar.stop();

  const report = evaluateBacktest(result, include);
  console.log(`Scored matches: ${report.count}`);
  printMetrics('Pooled, all six leagues', report.overall, result.models);
  for (const [competition, r] of Object.entries(report.byCompetition))
    printMetrics(competition, r, result.models);
  for (const [season, r] of Object.entries(report.bySeason)) {
    console.log(
      `\n${season}: ` + result.models.map((m) => `${m} ${f4(r[m]?.outcomes.rps)}`).join(', '),
    );
  }
  for (const name of [MODEL_NAMES.dixonColes, MODEL_NAMES.poissonFilter]) {
    const r = report.overall[name];
    console.log(
      `\n${name} binary markets: over 2.5 Brier ${f4(r?.over25?.brier)} log loss ${f4(r?.over25?.logLoss)} ECE ${f4(r?.over25?.ece)}; ` +
        `BTTS Brier ${f4(r?.btts?.brier)} log loss ${f4(r?.btts?.logLoss)} ECE ${f4(r?.btts?.ece)}`,
    );
  }
  printComparisons(result, include);

  console.log('\nTargets (pooled RPS) vs reached');
  const rps = (m: string) => report.overall[m]?.outcomes.rps ?? Number.NaN;
  const f5 = (x: number) => x.toFixed(5);
  const versus = (a: string, b: string) => compareModels(result, a, b, 'rps', include);
  const open = versus(MODEL_NAMES.withOpening, MODEL_NAMES.openingLine);
  const close = versus(MODEL_NAMES.withClosing, MODEL_NAMES.closingLine);
  const rows: string[][] = [
    ...[
      MODEL_NAMES.elo,
      MODEL_NAMES.dixonColes,
      MODEL_NAMES.poissonFilter,
      MODEL_NAMES.openingLine,
      MODEL_NAMES.closingLine,
    ].map((m) => [
      m,
      REFERENCE[m] === undefined ? 'no reference' : `reference ${f4(REFERENCE[m])}`,
      f5(rps(m)),
      '',
    ]),
    [
      MODEL_NAMES.statistical,
      `<= ${f4(TARGETS.statistical)}`,
      f5(rps(MODEL_NAMES.statistical)),
      rps(MODEL_NAMES.statistical) <= TARGETS.statistical ? 'yes' : 'NO',
    ],
    [
      MODEL_NAMES.withOpening,
      `<= ${f4(TARGETS.withOpening)}, beats opening line by > 2 SE`,
      `${f5(rps(MODEL_NAMES.withOpening))} (vs line ${open.meanDifference.toFixed(5)} +- ${open.standardError.toFixed(5)})`,
      rps(MODEL_NAMES.withOpening) <= TARGETS.withOpening && open.z < -2 ? 'yes' : 'NO',
    ],
    [
      MODEL_NAMES.withClosing,
      'no worse than the closing line',
      `${f5(rps(MODEL_NAMES.withClosing))} (vs line ${close.meanDifference.toFixed(5)} +- ${close.standardError.toFixed(5)})`,
      close.meanDifference <= 2 * close.standardError ? 'yes (within 2 SE)' : 'NO',
    ],
  ];
  console.log(formatTable(['model', 'reference / target', 'reached', 'met'], rows));

  console.log('\nBacktest timings');
  console.log(
    formatTable(
      ['model', 'fits', 'fit s', 'predict s'],
      Object.entries(result.timings).map(([m, t]) => [
        m,
        String(t.fits),
        (t.fitMs / 1000).toFixed(2),
        (t.predictMs / 1000).toFixed(2),
      ]),
    ),
  );
  const total = result.totalMs / 1000;
  console.log(
    `Whole backtest (all models, ${result.matches.length} predicted matches incl. warm-up): ${total.toFixed(1)} s (target <= ${TARGETS.totalSeconds} s: ${total <= TARGETS.totalSeconds ? 'met' : 'NOT met'})`,
  );
  fitTimings(all);
}

main();
