export * from './ledger-entry.entity';
export * from './ledger-score.entity';
