export * from './access.decorators';
export * from './access-rule';
export * from './principal';
export * from './roles';
export * from './rate-limit.decorators';
