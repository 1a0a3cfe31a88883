import { simulateLeague } from '../simulation/league';
import { resolveHyperparameters } from './hyperparameters';
import { heldOutWindows, trainServedModel } from './trainer';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

// Two leagues in one global run: past seasons, and a live league two years later (as when the
// history is imported and the collector brings in a current league).
const past = simulateLeague({ seed: 3, teams: 10, seasons: 3, firstSeasonYear: 2019 });
const live = simulateLeague({
  seed: 4,
  teams: 10,
  seasons: 3,
  firstSeasonYear: 2022,
  competition: 'Generated Live Division',
});
const matches = [...past.matches, ...live.matches];
const liveLast = Math.max(...live.matches.map((m) => m.kickoff));
const pastLast = Math.max(...past.matches.map((m) => m.kickoff));
const asOf = (Math.floor(liveLast / DAY_MS) + 1) * DAY_MS;
const pastCompetition = past.matches[0].competition;
const liveCompetition = live.matches[0].competition;

describe('held-out windows of a run whose competitions end at different times', () => {
  it('keeps one window when every competition has matches in it', () => {
    const windows = heldOutWindows(live.matches, asOf, 8 * WEEK_MS);
    expect(windows).toEqual({ from: asOf - 8 * WEEK_MS, until: asOf, byCompetition: {} });
  });

  it('gives a competition whose data ended earlier the same length before its own end', () => {
    expect(pastLast).toBeLessThan(asOf - 8 * WEEK_MS);
    const windows = heldOutWindows(matches, asOf, 8 * WEEK_MS);
    const until = (Math.floor(pastLast / DAY_MS) + 1) * DAY_MS;
    expect(windows.byCompetition).toEqual({
      [pastCompetition]: { from: until - 8 * WEEK_MS, until },
    });
  });

  it('scores both competitions, each on its own last weeks', () => {
    const trained = trainServedModel(matches, {
      type: 'dixon-coles',
      hyperparameters: resolveHyperparameters(),
      asOf,
      evaluationWeeks: 8,
    });
    const { evaluation } = trained;
    const windows = evaluation.windowsByCompetition ?? {};
    expect(Object.keys(windows)).toEqual([pastCompetition]);
    const inOwnWindow = (competition: string, from: number, until: number) =>
      matches.filter((m) => m.competition === competition && m.kickoff >= from && m.kickoff < until)
        .length;
    const pastCount = inOwnWindow(
      pastCompetition,
      windows[pastCompetition].from,
      windows[pastCompetition].until,
    );
    const liveCount = inOwnWindow(liveCompetition, evaluation.from, evaluation.until);
    expect(pastCount).toBeGreaterThan(20);
    expect(evaluation.byCompetition[pastCompetition].matches).toBe(pastCount);
    expect(evaluation.byCompetition[liveCompetition].matches).toBe(liveCount);
    expect(evaluation.matches).toBe(pastCount + liveCount);
  });
});
