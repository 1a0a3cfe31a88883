export * from './defaults';
export * from './search';
export * from './suite';
