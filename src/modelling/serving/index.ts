export * from './hyperparameters';
export * from './served-model';
export * from './trainer';
