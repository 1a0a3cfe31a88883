export * from './multinomial-logit';
export * from './ensemble-model';
