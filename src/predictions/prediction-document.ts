// The prediction as served and as frozen in the ledger: plain JSON built from a forecast, the
// match and its stored odds. Pure: the same inputs give the same document.
import {
  allMarkets,
  impliedProbabilities,
  type Markets,
  type OutcomeProbabilities,
  type ServedForecast,
} from '../modelling';
import type { FixtureDetail, FormEntry, StoredOdds } from '../matches/read/match-data.service';
import { roundedForJson } from './json-rounding';

export interface TeamExplanation {
  id: number;
  name: string;
  /** Elo rating (models with an Elo component). */
  rating?: number;
  /** Dixon-Coles attack and defence on the log scale, 0 = league average (higher is better). */
  attack?: number;
  defence?: number;
  form: {
    last: string;
    points: number;
    goalsFor: number;
    goalsAgainst: number;
    matches: FormEntry[];
  };
}

export interface Explanation {
  summary: string;
  home: TeamExplanation;
  away: TeamExplanation;
  homeAdvantage: { neutralVenue: boolean; eloPoints?: number; goalsFactor?: number };
  /** What each component said, for the ensemble (1X2). */
  components?: Record<string, OutcomeProbabilities>;
}

export interface MarketOutcome {
  price: number;
  /** Margin-free probability (Shin for 1X2, proportional for two-way markets). */
  implied: number;
  model: number;
  /** Expected return of a unit stake at this price if the model is right: model * price - 1. */
  edge: number;
}

export interface MarketComparison {
  market: string;
  phase: string;
  bookmaker: string;
  capturedAt: string;
  /** Sum of 1/price - 1: the bookmaker's margin. */
  margin: number;
  outcomes: Record<string, MarketOutcome>;
}

export interface ServedPrediction {
  match: {
    id: number;
    kickoff: string;
    competition: string;
    season: string;
    status: string;
    neutral: boolean;
    homeTeam: { id: number; name: string };
    awayTeam: { id: number; name: string };
  };
  model: { versionId: string; type: string; scope: string; trainedAsOf: string };
  computedAt: string;
  markets: Markets;
  explanation: Explanation;
  /** The stored market prices compared with the model, when odds are stored. */
  odds: MarketComparison[];
}

export interface ModelRef {
  id: string;
  modelType: string;
  scope: string;
  asOf: Date;
}

function formOf(entries: FormEntry[]): TeamExplanation['form'] {
  return {
    last: entries.map((e) => e.result).join(''),
    points: entries.reduce((s, e) => s + (e.result === 'W' ? 3 : e.result === 'D' ? 1 : 0), 0),
    goalsFor: entries.reduce((s, e) => s + e.goalsFor, 0),
    goalsAgainst: entries.reduce((s, e) => s + e.goalsAgainst, 0),
    matches: entries,
  };
}

const OUTCOME_KEYS: Record<string, (m: Markets) => Record<string, number>> = {
  '1x2': (m) => ({ home: m.matchResult.home, draw: m.matchResult.draw, away: m.matchResult.away }),
  ou25: (m) => {
    const line = m.overUnder.find((o) => o.line === 2.5);
    return line ? { over: line.over, under: line.under } : ({} as Record<string, number>);
  },
  btts: (m) => ({ yes: m.bothTeamsToScore.yes, no: m.bothTeamsToScore.no }),
};

/** The latest phase of each market (closing over opening), market average preferred. */
function latestOdds(odds: StoredOdds[]): StoredOdds[] {
  const chosen = new Map<string, StoredOdds>();
  const rank = (o: StoredOdds) =>
    (o.phase === 'closing' ? 2 : 0) + (o.bookmaker === 'market-average' ? 1 : 0);
  for (const o of odds) {
    const current = chosen.get(o.market);
    if (!current || rank(o) > rank(current)) chosen.set(o.market, o);
  }
  return [...chosen.values()].sort((a, b) => (a.market < b.market ? -1 : 1));
}

export function compareWithMarket(markets: Markets, odds: StoredOdds[]): MarketComparison[] {
  const out: MarketComparison[] = [];
  for (const stored of latestOdds(odds)) {
    const modelOf = OUTCOME_KEYS[stored.market];
    if (!modelOf) continue;
    const model = modelOf(markets);
    const keys = Object.keys(model);
    if (keys.length === 0 || !keys.every((k) => stored.prices[k] > 1)) continue;
    const prices = keys.map((k) => stored.prices[k]);
    const implied = impliedProbabilities(prices, keys.length === 3 ? 'shin' : 'multiplicative');
    if (!implied.ok) continue;
    out.push({
      market: stored.market,
      phase: stored.phase,
      bookmaker: stored.bookmaker,
      capturedAt: stored.capturedAt,
      margin: prices.reduce((s, p) => s + 1 / p, 0) - 1,
      outcomes: Object.fromEntries(
        keys.map((k, i) => [
          k,
          {
            price: prices[i],
            implied: implied.probabilities[i],
            model: model[k],
            edge: model[k] * prices[i] - 1,
          },
        ]),
      ),
    });
  }
  return out;
}

function summary(detail: FixtureDetail, markets: Markets): string {
  const r = markets.matchResult;
  const xg = markets.expectedGoals;
  const pct = (p: number) => `${Math.round(p * 100)}%`;
  const favourite =
    r.home >= r.away
      ? `${detail.homeTeam.name} are favourites at ${pct(r.home)}`
      : `${detail.awayTeam.name} are favourites at ${pct(r.away)}`;
  return `${favourite} (draw ${pct(r.draw)}); expected goals ${xg.home.toFixed(2)}-${xg.away.toFixed(2)}.`;
}

export function buildPrediction(
  detail: FixtureDetail,
  model: ModelRef,
  forecast: ServedForecast,
  computedAt: Date,
): ServedPrediction {
  const markets = allMarkets(forecast.matrix);
  // The 1X2 is the model's own (identical to the matrix's up to rounding, by construction).
  markets.matchResult = forecast.result;
  const { elo, dixonColes, ensembleMarket, marketRating, poissonFilter, marketGoals } =
    forecast.components;
  const components: Record<string, OutcomeProbabilities> = {};
  if (model.modelType === 'ensemble') {
    if (elo) components.elo = elo.probabilities;
    if (dixonColes) components.dixonColes = dixonColes.probabilities;
    if (poissonFilter) components.poissonFilter = poissonFilter;
    if (marketRating) components.marketRating = marketRating;
    if (ensembleMarket) components[`${ensembleMarket.phase}Line`] = ensembleMarket.probabilities;
    // The 1X2 the market's goal total implies: what the ensemble pools from the over/under price.
    if (marketGoals) components[`${marketGoals.phase}GoalsImplied`] = marketGoals.goalsImplied;
  }
  const team = (side: 'home' | 'away'): TeamExplanation => {
    const t = side === 'home' ? detail.homeTeam : detail.awayTeam;
    return {
      id: t.id,
      name: t.name,
      ...(elo ? { rating: side === 'home' ? elo.homeRating : elo.awayRating } : {}),
      ...(dixonColes ? { attack: dixonColes[side].attack, defence: dixonColes[side].defence } : {}),
      form: formOf(detail.form[side]),
    };
  };
  // Every probability to 6 decimals: stable JSON, and no false precision.
  return roundedForJson({
    match: {
      id: detail.id,
      kickoff: detail.kickoff.toISOString(),
      competition: detail.competition.code,
      season: detail.season,
      status: detail.status,
      neutral: detail.neutral,
      homeTeam: detail.homeTeam,
      awayTeam: detail.awayTeam,
    },
    model: {
      versionId: model.id,
      type: model.modelType,
      scope: model.scope,
      trainedAsOf: model.asOf.toISOString(),
    },
    computedAt: computedAt.toISOString(),
    markets,
    explanation: {
      summary: summary(detail, markets),
      home: team('home'),
      away: team('away'),
      homeAdvantage: {
        neutralVenue: detail.neutral,
        ...(elo ? { eloPoints: elo.homeAdvantage } : {}),
        ...(dixonColes ? { goalsFactor: dixonColes.homeAdvantageFactor } : {}),
      },
      ...(Object.keys(components).length > 0 ? { components } : {}),
    },
    odds: compareWithMarket(markets, detail.odds),
  });
}
