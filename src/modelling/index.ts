// Public API of the modelling core (pure TypeScript, no I/O).
export * from './types';
export * from './optimise/lbfgs';
export * from './optimise/newton';
export * from './markets';
export * from './dixon-coles';
export * from './odds';
export * from './simulation';
export * from './elo';
export * from './market-rating';
export * from './market-scores';
export * from './poisson-filter';
export * from './pi-rating';
export * from './metrics';
export * from './backtest';
export * from './ensemble';
export * from './tuning';
export * from './serving';
