export * from './multinomial-logit';
export * from './conditional-logit';
export * from './ensemble-model';
