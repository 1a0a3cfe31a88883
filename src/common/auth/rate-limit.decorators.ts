import { SetMetadata } from '@nestjs/common';

/** Metadata keys read by the rate-limit guard (src/auth/rate-limit/rate-limit.guard.ts). */
export const AUTH_RATE_LIMITED = 'oracxpred:auth-rate-limited';
export const NOT_RATE_LIMITED = 'oracxpred:not-rate-limited';

/** Sign-in, registration and refresh: also limited by the tighter per-address `auth` budget. */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMITED, true);

/**
 * Not counted at all (a controller or a handler): health probes, whose 429 would make Kubernetes
 * restart a healthy pod, and the virtual league's feed, which the service's own collector polls.
 */
export const NoRateLimit = () => SetMetadata(NOT_RATE_LIMITED, true);
