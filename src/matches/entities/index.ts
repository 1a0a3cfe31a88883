export * from './competition.entity';
export * from './team.entity';
export * from './match.entity';
export * from './odds-snapshot.entity';
export * from './import-run.entity';
export * from './collector.entity';
