export * from './model';
export * from './features';
