// Fits Elo ratings by replaying every finished match before asOf in kick-off order, then fits the
// ordered logit on the pre-match rating differences of those same matches.
import type { MatchInput } from '../types';
import {
  DEFAULT_ORDERED_LOGIT,
  fitOrderedLogit,
  type OrderedLogit,
  type OrderedLogitData,
} from './ordered-logit';
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

const DAY_MS = 86_400_000;

function byKickoff(a: MatchInput, b: MatchInput): number {
  return a.kickoff - b.kickoff || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

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

/** Per-match inputs of the ordered-logit fit, in replay order (the first `length` entries). */
interface ReplayRecord {
  length: number;
  differences: Float64Array;
  outcomes: Uint8Array;
  kickoffs: Float64Array;
  burnedIn: Uint8Array;
  /**
   * Entries written to these buffers by any fit: a continuation appends in place only when it
   * extends the longest fit sharing them, and copies otherwise, so no fit's record is overwritten.
   */
  buffer: { used: number };
}

/**
 * The replay record behind each fit this process returned, so the next week's fit can continue
 * from it instead of replaying years of matches. Kept beside the parameters (not in them) so
 * they stay small, plain JSON; a fit whose record is gone simply replays.
 */
const records = new WeakMap<EloParameters, ReplayRecord>();

/** The same buffer (appending in place), or a copy of its first `keep` entries with room. */
function extend<T extends Float64Array | Uint8Array>(
  array: T,
  keep: number,
  size: number,
  inPlace: boolean,
): T {
  if (inPlace) return array;
  const copy = new (array.constructor as new (n: number) => T)(Math.max(size, 2 * keep));
  copy.set(array.subarray(0, keep));
  return copy;
}

const isPlayed = (m: MatchInput) => m.homeGoals !== undefined && m.awayGoals !== undefined;

/** Whether `previous` is an earlier fit of the same hyperparameters made in this process. */
function resumable(
  previous: EloParameters | undefined,
  asOf: number,
  hp: EloHyperparameters,
): previous is EloParameters {
  if (!previous || previous.asOf > asOf || !records.has(previous)) return false;
  return JSON.stringify(previous.hyperparameters) === JSON.stringify(hp);
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
  // One pass: the matches since the previous fit, and how many finished matches came before it.
  let resume = resumable(previous, asOf, hp);
  const since = resume ? (previous as EloParameters).asOf : Number.NEGATIVE_INFINITY;
  let before = 0;
  let replay: MatchInput[] = [];
  for (const m of matches) {
    if (m.kickoff >= asOf || !isPlayed(m)) continue;
    if (m.kickoff < since) before++;
    else replay.push(m);
  }
  if (resume && before !== (previous as EloParameters).matchCount) {
    resume = false;
    replay = matches.filter((m) => m.kickoff < asOf && isPlayed(m));
  }
  replay.sort(byKickoff);
  const from = resume ? previous : undefined;
  const state = from ? EloState.from(from) : new EloState(hp);
  const start = from ? from.matchCount : 0;
  const n = start + replay.length;
  const earlier = from ? (records.get(from) as ReplayRecord) : undefined;
  const inPlace =
    earlier !== undefined &&
    earlier.buffer.used === earlier.length &&
    earlier.differences.length >= n;
  const record: ReplayRecord = {
    length: n,
    differences: extend(earlier?.differences ?? new Float64Array(0), start, n, inPlace),
    outcomes: extend(earlier?.outcomes ?? new Uint8Array(0), start, n, inPlace),
    kickoffs: extend(earlier?.kickoffs ?? new Float64Array(0), start, n, inPlace),
    burnedIn: extend(earlier?.burnedIn ?? new Uint8Array(0), start, n, inPlace),
    buffer: inPlace ? (earlier as ReplayRecord).buffer : { used: 0 },
  };
  record.buffer.used = n;
  for (let r = 0; r < replay.length; r++) {
    const i = start + r;
    const m = replay[r];
    const hg = m.homeGoals as number;
    const ag = m.awayGoals as number;
    const { home, away, difference } = state.difference(m);
    record.burnedIn[i] =
      home.games >= hp.logitBurnInMatches && away.games >= hp.logitBurnInMatches ? 1 : 0;
    record.differences[i] = difference / DIFFERENCE_SCALE;
    record.outcomes[i] = hg > ag ? 2 : hg === ag ? 1 : 0;
    record.kickoffs[i] = m.kickoff;
    const change = eloUpdate(hp, difference, hg, ag);
    home.rating += change;
    away.rating -= change;
    home.games++;
    away.games++;
  }
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    weights[i] = record.burnedIn[i]
      ? hp.logitHalfLifeDays > 0
        ? Math.pow(0.5, (asOf - record.kickoffs[i]) / DAY_MS / hp.logitHalfLifeDays)
        : 1
      : 0;
  }
  const data: OrderedLogitData = {
    differences: record.differences.subarray(0, n),
    outcomes: record.outcomes.subarray(0, n),
    weights,
  };
  const outcomeModel = fitOrderedLogit(data, previous?.outcomeModel ?? DEFAULT_ORDERED_LOGIT);
  const params: EloParameters = {
    hyperparameters: { ...hp },
    asOf,
    matchCount: n,
    ...state.toJSON(),
    outcomeModel,
  };
  records.set(params, record);
  return params;
}
