import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PredictionResult } from './predictions.service';

/** The caller for the sticky A/B split: the API key, else the account, else the address. */
export function callerKey(request: FastifyRequest, principal = request.principal): string {
  if (principal?.apiKeyId) return `key:${principal.apiKeyId}`;
  if (principal) return `user:${principal.userId}`;
  return `ip:${request.ip}`;
}

export function bypassesCache(request: FastifyRequest): boolean {
  const cacheControl = request.headers['cache-control'];
  return cacheControl !== undefined && /\bno-cache\b/.test(String(cacheControl));
}

/** The stored JSON is sent as it is (no parse and re-serialise), with how it was served. */
export function setPredictionHeaders(reply: FastifyReply, result: PredictionResult): void {
  void reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-cache', result.cache)
    .header('x-model-version', result.versionId)
    .header('x-model-variant', result.variant);
}
