export * from './model';
export * from './fit';
export * from './predictor';
export { MIN_MATCH_WEIGHT } from './likelihood';
