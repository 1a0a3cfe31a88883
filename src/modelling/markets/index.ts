export * from './score-matrix';
export * from './markets';
