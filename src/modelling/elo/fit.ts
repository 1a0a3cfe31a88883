// Fits Elo ratings by replaying every finished match before asOf in kick-off order, then fits the
// ordered logit on the pre-match rating differences of those same matches.
import type { MatchInput } from '../types';
import { DEFAULT_ORDERED_LOGIT, type OrderedLogit } from './ordered-logit';
import { OutcomeRecord, planReplay } from './outcome-replay';
import { eloUpdate, type EloHyperparameters } from './rating';

export interface EloTeamState {
  rating: number;
  games: number;
  competition: string;
  lastSeason: string;
}

export interface EloCompetitionState {
  /** Latest season seen in this competition. */
  season: string;
  /** Mean rating of the previous season's teams when that season started (regression target). */
  baseline: number;
  /** Whether the latest season is the first one seen (then every team starts at initialRating). */
  founding: boolean;
}

/** Plain JSON parameters of a fitted Elo model. */
export interface EloParameters {
  hyperparameters: EloHyperparameters;
  asOf: number;
  /** Number of matches replayed. */
  matchCount: number;
  teams: Record<string, EloTeamState>;
  competitions: Record<string, EloCompetitionState>;
  outcomeModel: OrderedLogit;
}

/** The ordered logit sees differences in units of 100 rating points, for conditioning. */
export const DIFFERENCE_SCALE = 100;

/** Mean current rating of the competition's teams whose last season is `season`. */
function seasonMean(teams: Map<string, EloTeamState>, competition: string, season: string): number {
  let sum = 0;
  let count = 0;
  for (const t of teams.values()) {
    if (t.competition === competition && t.lastSeason === season) {
      sum += t.rating;
      count++;
    }
  }
  return count > 0 ? sum / count : Number.NaN;
}

/**
 * Mutable replay state; `EloPredictor` reuses the same rules (new-season regression, new-team
 * prior) for fixtures, so a prediction on a season's first weekend sees regressed ratings.
 */
export class EloState {
  readonly teams = new Map<string, EloTeamState>();
  readonly competitions = new Map<string, EloCompetitionState>();

  constructor(private readonly hp: EloHyperparameters) {}

  static from(params: EloParameters): EloState {
    const state = new EloState(params.hyperparameters);
    for (const [name, t] of Object.entries(params.teams)) state.teams.set(name, { ...t });
    for (const [name, c] of Object.entries(params.competitions))
      state.competitions.set(name, { ...c });
    return state;
  }

  /**
   * A scratch state for one fixture's `difference`: only its competition and its two teams are
   * copied, since that is all the rating rules read there - unless the fixture opens a new
   * season, whose regression baseline is the mean of every team, which then needs them all.
   * (Copying every team per prediction was most of an Elo forecast's cost.)
   */
  static forFixture(params: EloParameters, fixture: MatchInput): EloState {
    const competition = Object.hasOwn(params.competitions, fixture.competition)
      ? params.competitions[fixture.competition]
      : undefined;
    if (competition && competition.season !== fixture.season) return EloState.from(params);
    const state = new EloState(params.hyperparameters);
    if (competition) state.competitions.set(fixture.competition, { ...competition });
    for (const name of [fixture.homeTeam, fixture.awayTeam]) {
      if (Object.hasOwn(params.teams, name)) state.teams.set(name, { ...params.teams[name] });
    }
    return state;
  }

  /** Opens the season in the competition if new, returning the competition state. */
  private enterSeason(competition: string, season: string): EloCompetitionState {
    const current = this.competitions.get(competition);
    if (!current) {
      const created = { season, baseline: this.hp.initialRating, founding: true };
      this.competitions.set(competition, created);
      return created;
    }
    if (current.season !== season) {
      const mean = seasonMean(this.teams, competition, current.season);
      current.baseline = Number.isNaN(mean) ? this.hp.initialRating : mean;
      current.season = season;
      current.founding = false;
    }
    return current;
  }

  /** Current rating of a team for a match in (competition, season), creating/regressing it. */
  private team(name: string, competition: string, season: string): EloTeamState {
    const comp = this.enterSeason(competition, season);
    let team = this.teams.get(name);
    if (!team) {
      const rating = comp.founding ? this.hp.initialRating : comp.baseline + this.hp.newTeamOffset;
      team = { rating, games: 0, competition, lastSeason: season };
      this.teams.set(name, team);
    } else if (team.lastSeason !== season) {
      team.rating = comp.baseline + (1 - this.hp.seasonRegression) * (team.rating - comp.baseline);
      team.lastSeason = season;
      team.competition = competition;
    }
    return team;
  }

  /** Rating difference home - away including home advantage, in rating points. */
  difference(match: MatchInput): { home: EloTeamState; away: EloTeamState; difference: number } {
    const home = this.team(match.homeTeam, match.competition, match.season);
    const away = this.team(match.awayTeam, match.competition, match.season);
    const advantage = match.neutral ? 0 : this.hp.homeAdvantage;
    return { home, away, difference: home.rating + advantage - away.rating };
  }

  toJSON(): Pick<EloParameters, 'teams' | 'competitions'> {
    return {
      teams: Object.fromEntries([...this.teams].map(([k, v]) => [k, { ...v }])),
      competitions: Object.fromEntries([...this.competitions].map(([k, v]) => [k, { ...v }])),
    };
  }
}

/**
 * Replays the finished matches with kickoff < asOf. `previous` (an earlier fit) warm-starts the
 * ordered logit, and when it is an earlier fit of the same data made in this process (the same
 * number of finished matches before its asOf), the replay continues from its state instead of
 * starting over: the result is identical, only cheaper.
 */
export function fitElo(
  matches: readonly MatchInput[],
  asOf: number,
  hp: EloHyperparameters,
  previous?: EloParameters,
): EloParameters {
  const { from, replay } = planReplay(matches, asOf, hp, previous);
  const state = from ? EloState.from(from) : new EloState(hp);
  const start = from ? from.matchCount : 0;
  const record = OutcomeRecord.continuing(from, start + replay.length);
  for (let r = 0; r < replay.length; r++) {
    const m = replay[r];
    const { home, away, difference } = state.difference(m);
    const burnedIn = home.games >= hp.logitBurnInMatches && away.games >= hp.logitBurnInMatches;
    record.set(start + r, difference / DIFFERENCE_SCALE, m, burnedIn);
    const change = eloUpdate(hp, difference, m.homeGoals as number, m.awayGoals as number);
    home.rating += change;
    away.rating -= change;
    home.games++;
    away.games++;
  }
  const outcomeModel = record.fitOrderedLogit(
    asOf,
    hp.logitHalfLifeDays,
    previous?.outcomeModel ?? DEFAULT_ORDERED_LOGIT,
  );
  const params: EloParameters = {
    hyperparameters: { ...hp },
    asOf,
    matchCount: record.length,
    ...state.toJSON(),
    outcomeModel,
  };
  record.keepFor(params);
  return params;
}
