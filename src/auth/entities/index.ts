export * from './user.entity';
export * from './refresh-token.entity';
export * from './api-key.entity';
export * from './invitation.entity';
export * from './login-failure.entity';
export * from './audit-entry.entity';
