import { Injectable } from '@nestjs/common';
import { API_KEY_HEADER } from '../../common/auth/access.decorators';
import type { Principal } from '../../common/auth/principal';
import type { CallerRequest } from '../../common/http/caller-request';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AccessTokens } from '../tokens/access-tokens';

/** What the request's credentials prove: a principal, nothing (none sent), or why they fail. */
export type Authentication =
  { principal: Principal; failure?: undefined } | { principal?: undefined; failure?: string };

/** The request's authentication, memoised on it (declared on every request: see bootstrap). */
export const AUTHENTICATION = Symbol('authentication');
type MemoisedRequest = CallerRequest & { [AUTHENTICATION]?: Promise<Authentication> };

const BEARER = /^Bearer +([\w-]+\.[\w-]+\.[\w-]+)$/i;

/**
 * Why an Authorization header holds no access token: the usual slips (an API key or the refresh
 * token sent as the bearer) named, rather than a form the header may already have.
 */
function notAnAccessToken(authorization: string): string {
  const credential = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
  if (credential === undefined) return 'the Authorization header must be "Bearer <access token>"';
  if (credential.startsWith('oxk_')) {
    return 'this is an API key: send it as the X-API-Key header, not as a bearer token';
  }
  if (credential.startsWith('oxr_')) {
    return 'this is a refresh token: send the accessToken (POST /v1/auth/refresh gives a new one)';
  }
  return 'the access token is invalid or expired';
}

/**
 * Reads `Authorization: Bearer <access token>` or `X-API-Key: <key>`, once per request (the
 * rate limiter and the access guard both ask). Access tokens are checked in memory; API keys
 * through a short-lived cache.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokens,
    private readonly apiKeys: ApiKeysService,
  ) {}

  authenticate(request: CallerRequest): Promise<Authentication> {
    // Kept on the request itself: a WeakMap entry per request cost more than the check.
    const memo = request as MemoisedRequest;
    return (memo[AUTHENTICATION] ??= this.check(request));
  }

  private async check(request: CallerRequest): Promise<Authentication> {
    const authorization = request.headers.authorization;
    const apiKey = request.headers[API_KEY_HEADER];
    if (authorization !== undefined && apiKey !== undefined) {
      return { failure: 'send either an Authorization header or an X-API-Key, not both' };
    }
    if (authorization !== undefined) {
      const token = BEARER.exec(authorization)?.[1];
      if (!token) return { failure: notAnAccessToken(authorization) };
      const claims = await this.accessTokens.verify(token);
      if (!claims) return { failure: 'the access token is invalid or expired' };
      return {
        principal: {
          userId: claims.userId,
          role: claims.role,
          via: 'token',
          issuedAt: claims.issuedAt,
          sessionVersion: claims.sessionVersion,
        },
      };
    }
    if (apiKey !== undefined) {
      const principal =
        typeof apiKey === 'string' ? await this.apiKeys.authenticate(apiKey) : undefined;
      return principal ? { principal } : { failure: 'the API key is invalid, expired or revoked' };
    }
    return {};
  }
}
