// The virtual league: a simulated league that plays in real (or injected) time, for running the
// whole collect → predict → freeze → score → retrain loop without internet. Nest-free and
// deterministic: the same seed, settings and clock give the same feed, in any process.
import { dixonColesMatrixFromRates } from '../../modelling/dixon-coles/model';
import { bothTeamsToScore, matchResult, overUnder } from '../../modelling/markets/markets';
import type { ScoreMatrix } from '../../modelling/markets/score-matrix';
import { createRng, doubleRoundRobin } from '../../modelling/simulation';
import type { Rng } from '../../modelling/simulation';

export interface VirtualLeagueSettings {
  seed: number;
  /** First kick-off of the first season (ms since the Unix epoch). */
  epoch: number;
  /** Time between two consecutive kick-offs. */
  kickoffIntervalMs: number;
  /** Real time a simulated 90 minutes takes. */
  matchDurationMs: number;
  /** A fixture (with opening odds) is published this long before its kick-off. */
  publishLeadMs: number;
  /** A finished match stays in the feed this long after its final whistle. */
  retentionMs: number;
  /** Even, 4..20; default 20. */
  teams?: number;
}

export type VirtualStatus = 'scheduled' | 'live' | 'finished' | 'postponed' | 'cancelled';

export interface VirtualScore {
  home: number;
  away: number;
  halfTimeHome: number | null;
  halfTimeAway: number | null;
}

export interface VirtualPrices {
  '1x2': { home: number; draw: number; away: number };
  ou25: { over: number; under: number };
  btts: { yes: number; no: number };
}

/** One match as the feed shows it at one moment. */
export interface VirtualMatchView {
  id: string;
  season: string;
  round: number;
  kickoff: string;
  home: string;
  away: string;
  status: VirtualStatus;
  /** Minute of play while live, else null. */
  minute: number | null;
  score: VirtualScore | null;
  /** The current prices until kick-off; null once the match has started or will not be played. */
  odds: VirtualPrices | null;
}

export interface VirtualFeedDocument {
  league: { code: string; name: string; country: string };
  generatedAt: string;
  matches: VirtualMatchView[];
}

export const VIRTUAL_LEAGUE = {
  code: 'generated/virtual-league',
  name: 'Generated Virtual League',
  country: 'Generated',
} as const;

const TEAM_NAMES = [
  'Amberley Town',
  'Brookhaven United',
  'Caldermoor City',
  'Dunmore Athletic',
  'Eskbridge Rovers',
  'Foxley Wanderers',
  'Glenrock Albion',
  'Hollowmere FC',
  'Ironvale Rangers',
  'Juniper Park',
  'Kestrel Bay',
  'Larkspur Orient',
  'Moorgate Villa',
  'Netherby County',
  'Oldcastle Harriers',
  'Pinewood Sporting',
  'Quarry Lane',
  'Riverside Celtic',
  'Sandholme Borough',
  'Tidewater Dynamo',
];

const DAY_MS = 86_400_000;
/** Price updates between publication and kick-off (the first is the opening, the last the closing). */
const PRICE_STEPS = 4;
const POSTPONED_SHARE = 0.02;
const CANCELLED_SHARE = 0.005;
const OPENING = { margin: 0.06, noise: 0.12 };
const CLOSING = { margin: 0.04, noise: 0.05 };
const TRUTH = { intercept: 0.15, homeAdvantage: 0.25, rho: -0.08, sd: 0.25 };

interface MatchFate {
  kickoff: number;
  home: number;
  away: number;
  round: number;
  outcome: 'played' | 'postponed' | 'cancelled';
  homeGoalMinutes: number[];
  awayGoalMinutes: number[];
  openingRates: [number, number];
  closingRates: [number, number];
}

export class VirtualLeague {
  readonly teamNames: string[];
  private readonly attack: number[];
  private readonly defence: number[];
  private readonly fixtures: Array<[number, number]>;
  private readonly perRound: number;
  /** Time between the same fixture in two consecutive seasons; at least a day (see seasonOf). */
  readonly seasonLengthMs: number;

  constructor(readonly settings: VirtualLeagueSettings) {
    const teams = settings.teams ?? 20;
    if (!Number.isInteger(teams) || teams < 4 || teams > TEAM_NAMES.length || teams % 2 !== 0) {
      throw new RangeError(`teams must be an even integer in 4..${TEAM_NAMES.length}`);
    }
    for (const key of ['kickoffIntervalMs', 'matchDurationMs', 'publishLeadMs'] as const) {
      if (!(settings[key] > 0)) throw new RangeError(`${key} must be positive`);
    }
    if (!(settings.retentionMs >= 0)) throw new RangeError('retentionMs must be >= 0');
    const rng = createRng(settings.seed);
    this.teamNames = TEAM_NAMES.slice(0, teams);
    this.attack = centred(rng, teams);
    this.defence = centred(rng, teams);
    const rounds = doubleRoundRobin(rng.shuffle([...Array(teams).keys()]));
    this.perRound = teams / 2;
    this.fixtures = rounds.flat();
    // Matches are identified across sources by (home, away, UTC day): a fixture must not come
    // back within a day, so a fast league rests until a day has passed since its season began.
    this.seasonLengthMs = Math.max(this.fixtures.length * settings.kickoffIntervalMs, DAY_MS);
  }

  /** The feed at `now`: published fixtures, live matches and recent results. */
  feed(now: number): VirtualFeedDocument {
    const { publishLeadMs, matchDurationMs, retentionMs, kickoffIntervalMs } = this.settings;
    const from = now - matchDurationMs - retentionMs;
    const to = now + publishLeadMs;
    const matches: VirtualMatchView[] = [];
    for (const [season, index] of this.slotsBetween(from, to, kickoffIntervalMs)) {
      const view = this.view(season, index, now);
      if (view) matches.push(view);
    }
    return { league: { ...VIRTUAL_LEAGUE }, generatedAt: new Date(now).toISOString(), matches };
  }

  /** One match at `now`, or undefined before it is published or after it left the feed. */
  view(season: number, index: number, now: number): VirtualMatchView | undefined {
    const fate = this.fate(season, index);
    const { publishLeadMs, matchDurationMs, retentionMs } = this.settings;
    if (now < fate.kickoff - publishLeadMs || now >= fate.kickoff + matchDurationMs + retentionMs) {
      return undefined;
    }
    const base = {
      id: `vl${this.settings.seed}-s${season + 1}-m${index + 1}`,
      season: `virtual-${season + 1}`,
      round: fate.round + 1,
      kickoff: new Date(fate.kickoff).toISOString(),
      home: this.teamNames[fate.home],
      away: this.teamNames[fate.away],
    };
    const untilKickoff = fate.kickoff - now;
    if (fate.outcome !== 'played' && untilKickoff < publishLeadMs / 2) {
      // Called off half way through the pre-match window.
      return { ...base, status: fate.outcome, minute: null, score: null, odds: null };
    }
    if (untilKickoff > 0) {
      return {
        ...base,
        status: 'scheduled',
        minute: null,
        score: null,
        odds: this.prices(fate, now),
      };
    }
    const elapsed = now - fate.kickoff;
    if (elapsed < matchDurationMs) {
      const minute = Math.min(90, Math.floor((elapsed / matchDurationMs) * 90) + 1);
      return { ...base, status: 'live', minute, score: scoreAt(fate, minute), odds: null };
    }
    return { ...base, status: 'finished', minute: null, score: scoreAt(fate, 90), odds: null };
  }

  /** (season, index) of every kick-off in [from, to], oldest first. */
  private *slotsBetween(from: number, to: number, interval: number): Generator<[number, number]> {
    const { epoch } = this.settings;
    let season = Math.max(0, Math.floor((from - epoch) / this.seasonLengthMs));
    for (; ; season++) {
      const start = epoch + season * this.seasonLengthMs;
      if (start > to) return;
      const first = Math.max(0, Math.ceil((from - start) / interval));
      for (let index = first; index < this.fixtures.length; index++) {
        const kickoff = start + index * interval;
        if (kickoff > to) return;
        yield [season, index];
      }
    }
  }

  private fate(season: number, index: number): MatchFate {
    const { epoch, kickoffIntervalMs, seed } = this.settings;
    // Every match has its own stream, so any match can be computed without replaying the past.
    const rng = createRng(mix(seed, season, index));
    const [home, away] = this.fixtures[index];
    const homeRate = Math.exp(
      TRUTH.intercept + TRUTH.homeAdvantage + this.attack[home] - this.defence[away],
    );
    const awayRate = Math.exp(TRUTH.intercept + this.attack[away] - this.defence[home]);
    const fateDraw = rng.next();
    const outcome =
      fateDraw < CANCELLED_SHARE
        ? 'cancelled'
        : fateDraw < CANCELLED_SHARE + POSTPONED_SHARE
          ? 'postponed'
          : 'played';
    const [homeGoals, awayGoals] = sampleScore(
      dixonColesMatrixFromRates(homeRate, awayRate, TRUTH.rho),
      rng,
    );
    const minutes = (count: number) =>
      Array.from({ length: count }, () => 1 + rng.int(90)).sort((a, b) => a - b);
    const noisy = (noise: number): [number, number] => [
      homeRate * Math.exp(noise * rng.normal()),
      awayRate * Math.exp(noise * rng.normal()),
    ];
    return {
      kickoff: epoch + season * this.seasonLengthMs + index * kickoffIntervalMs,
      home,
      away,
      round: Math.floor(index / this.perRound),
      outcome,
      homeGoalMinutes: minutes(homeGoals),
      awayGoalMinutes: minutes(awayGoals),
      openingRates: noisy(OPENING.noise),
      closingRates: noisy(CLOSING.noise),
    };
  }

  /** Prices move in PRICE_STEPS steps from the opening book to the closing book. */
  private prices(fate: MatchFate, now: number): VirtualPrices {
    const { publishLeadMs } = this.settings;
    const sincePublished = now - (fate.kickoff - publishLeadMs);
    const step = Math.min(
      PRICE_STEPS - 1,
      Math.floor((sincePublished / publishLeadMs) * PRICE_STEPS),
    );
    const w = step / (PRICE_STEPS - 1);
    const blend = (i: 0 | 1) =>
      Math.exp((1 - w) * Math.log(fate.openingRates[i]) + w * Math.log(fate.closingRates[i]));
    const margin = (1 - w) * OPENING.margin + w * CLOSING.margin;
    const matrix = dixonColesMatrixFromRates(blend(0), blend(1), TRUTH.rho);
    const result = matchResult(matrix);
    const goals = overUnder(matrix, 2.5);
    const btts = bothTeamsToScore(matrix);
    const price = (p: number) => Math.max(1.01, Math.round(100 / (p * (1 + margin))) / 100);
    return {
      '1x2': { home: price(result.home), draw: price(result.draw), away: price(result.away) },
      ou25: { over: price(goals.over), under: price(goals.under) },
      btts: { yes: price(btts.yes), no: price(btts.no) },
    };
  }
}

function scoreAt(fate: MatchFate, minute: number): VirtualScore {
  const upTo = (goals: number[], m: number) => goals.filter((g) => g <= m).length;
  const halfTimeKnown = minute > 45;
  return {
    home: upTo(fate.homeGoalMinutes, minute),
    away: upTo(fate.awayGoalMinutes, minute),
    halfTimeHome: halfTimeKnown ? upTo(fate.homeGoalMinutes, 45) : null,
    halfTimeAway: halfTimeKnown ? upTo(fate.awayGoalMinutes, 45) : null,
  };
}

function centred(rng: Rng, count: number): number[] {
  const values = Array.from({ length: count }, () => TRUTH.sd * rng.normal());
  const mean = values.reduce((s, v) => s + v, 0) / count;
  return values.map((v) => v - mean);
}

function sampleScore(matrix: ScoreMatrix, rng: Rng): [number, number] {
  const u = rng.next();
  let cumulative = 0;
  for (let h = 0; h <= matrix.maxGoals; h++) {
    for (let a = 0; a <= matrix.maxGoals; a++) {
      cumulative += matrix.p[h][a];
      if (u < cumulative) return [h, a];
    }
  }
  return [matrix.maxGoals, matrix.maxGoals];
}

/** A 32-bit seed per (league seed, season, match), well spread. */
function mix(seed: number, season: number, index: number): number {
  let h = Math.trunc(seed) ^ 0x9e3779b9;
  for (const v of [season, index]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
  }
  return (h ^ (h >>> 16)) >>> 0;
}
