// The standard set of models compared by the benchmark and the tuning search.
import type { DixonColesHyperparameters } from '../dixon-coles/model';
import type { EloHyperparameters } from '../elo/rating';
import { ensembleModel } from '../ensemble/ensemble-model';
import { marketLineModel } from '../backtest/market-line';
import { dixonColesModel, eloModel } from '../backtest/models';
import { perCompetition } from '../backtest/per-competition';
import type { BacktestModel } from '../backtest/types';
import {
  TUNED_DIXON_COLES,
  TUNED_DIXON_COLES_WINDOW_DAYS,
  TUNED_ELO,
  TUNED_ENSEMBLE_L2,
} from './defaults';

export const MODEL_NAMES = {
  elo: 'elo',
  slowElo: 'elo-slow',
  dixonColes: 'dixon-coles',
  openingLine: 'opening-line',
  closingLine: 'closing-line',
  statistical: 'ensemble-stat',
  withOpening: 'ensemble+opening',
  withClosing: 'ensemble+closing',
} as const;

export interface SuiteConfig {
  elo: EloHyperparameters;
  /** A second, slow Elo fed only to the ensembles (TUNED_SLOW_ELO); off by default. */
  slowElo?: EloHyperparameters;
  dixonColes: DixonColesHyperparameters;
  dixonColesWindowDays: number;
  ensembleL2: number;
  competitionIntercepts: boolean;
  /** Leave out models (e.g. the ensembles while tuning the base models). */
  only?: readonly string[];
}

export const DEFAULT_SUITE: SuiteConfig = {
  elo: TUNED_ELO,
  dixonColes: TUNED_DIXON_COLES,
  dixonColesWindowDays: TUNED_DIXON_COLES_WINDOW_DAYS,
  ensembleL2: TUNED_ENSEMBLE_L2,
  competitionIntercepts: false,
};

/** Elo, Dixon-Coles (and optionally a slow Elo) per competition, the two market lines, three stacked ensembles. */
export function modelSuite(config: SuiteConfig = DEFAULT_SUITE): BacktestModel[] {
  const n = MODEL_NAMES;
  const stat = config.slowElo ? [n.elo, n.dixonColes, n.slowElo] : [n.elo, n.dixonColes];
  const common = {
    inputs: stat,
    l2: config.ensembleL2,
    competitionIntercepts: config.competitionIntercepts,
  };
  const all: BacktestModel[] = [
    perCompetition(eloModel(config.elo, n.elo)),
    perCompetition(
      dixonColesModel(config.dixonColes, { windowDays: config.dixonColesWindowDays }, n.dixonColes),
    ),
    ...(config.slowElo ? [perCompetition(eloModel(config.slowElo, n.slowElo))] : []),
    marketLineModel('opening', n.openingLine),
    marketLineModel('closing', n.closingLine),
    ensembleModel({ name: n.statistical, ...common }),
    ensembleModel({ name: n.withOpening, ...common, market: 'opening' }),
    ensembleModel({ name: n.withClosing, ...common, market: 'closing' }),
  ];
  return config.only ? all.filter((m) => config.only?.includes(m.name)) : all;
}
