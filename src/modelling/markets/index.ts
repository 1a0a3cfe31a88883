export * from './score-matrix';
export * from './markets';
export * from './outcome-matrix';
