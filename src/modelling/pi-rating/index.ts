export * from './model';
export * from './fit';
