export * from './rating';
export * from './ordered-logit';
export * from './fit';
export * from './predictor';
