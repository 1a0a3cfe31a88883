// Tuned defaults. Placeholder values until the tuning command has been run; see bottom of file.
import type { DixonColesHyperparameters } from '../dixon-coles/model';
import { DEFAULT_ELO_HYPERPARAMETERS, type EloHyperparameters } from '../elo/rating';

export const TUNED_ELO: EloHyperparameters = { ...DEFAULT_ELO_HYPERPARAMETERS };

export const TUNED_DIXON_COLES: DixonColesHyperparameters = { xi: 0.0019, ridge: 1 };

/** Days of history passed to each Dixon-Coles refit (weights beyond are small). */
export const TUNED_DIXON_COLES_WINDOW_DAYS = 1100;

export const TUNED_ENSEMBLE_L2 = 0.001;
