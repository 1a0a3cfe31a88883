export * from './rng';
export * from './league';
export * from './schedule';
