export * from './types';
export * from './weeks';
export * from './backtester';
export * from './evaluate';
export * from './per-competition';
export * from './market-line';
export * from './models';
