export * from './training-run.entity';
export * from './model-version.entity';
export * from './model-alias.entity';
