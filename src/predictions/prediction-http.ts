import { asciiJson } from '../common/http/ascii-json';
import type { CallerReply, CallerRequest } from '../common/http/caller-request';
import type { PredictionResult } from './predictions.service';

/** The caller for the sticky A/B split: the API key, else the account, else the address. */
export function callerKey(request: CallerRequest, principal = request.principal): string {
  if (principal?.apiKeyId) return `key:${principal.apiKeyId}`;
  if (principal) return `user:${principal.userId}`;
  return `ip:${request.ip}`;
}

export function bypassesCache(request: Pick<CallerRequest, 'headers'>): boolean {
  const cacheControl = request.headers['cache-control'];
  return cacheControl !== undefined && /\bno-cache\b/.test(String(cacheControl));
}

/**
 * How stored copies of a prediction may be reused: by the caller's own cache only, revalidated
 * each time (If-None-Match answers 304 while it is current). It depends on who asks (the A/B
 * split is per caller) and needs credentials: a shared cache must neither keep one caller's copy
 * for another nor serve it without asking.
 */
const CACHE_CONTROL = 'private, no-cache';
const VARY = 'authorization, x-api-key';

/** Marks a response as served to this caller alone (see CACHE_CONTROL). */
export function servedToCallerOnly<Reply extends Pick<CallerReply, 'header'>>(reply: Reply): Reply {
  reply.header('cache-control', CACHE_CONTROL);
  reply.header('vary', VARY);
  return reply;
}

/**
 * Sends a prediction with how it was served: the stored JSON as it is (no parse and
 * re-serialise), or 304 with no body when the caller already holds it (If-None-Match).
 */
export function sendPrediction(
  request: Pick<CallerRequest, 'headers'>,
  reply: CallerReply,
  result: PredictionResult,
): void {
  servedToCallerOnly(reply);
  reply.header('content-type', 'application/json; charset=utf-8');
  reply.header('etag', result.etag);
  reply.header('x-cache', result.cache);
  reply.header('x-model-version', result.versionId);
  reply.header('x-model-variant', result.variant);
  // After kick-off: the ledger entry as frozen, or else a prediction made with the match closed.
  if (result.frozenAt) reply.header('x-prediction-frozen', result.frozenAt);
  if (result.madeAfterKickoff) reply.header('x-prediction-made-after-kickoff', 'true');
  if (holds(request, result.etag)) {
    reply.code(304);
    reply.send();
  } else reply.send(result.bytes ?? result.json);
}

/** Whether If-None-Match names this entity tag, or any (weak comparison, RFC 9110 13.1.2). */
function holds(request: Pick<CallerRequest, 'headers'>, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  const opaque = opaqueTag(etag);
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || opaqueTag(trimmed) === opaque;
  });
}

/** An entity tag without its weakness indicator: weak comparison ignores it. */
function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * A page of upcoming predictions as JSON ([{matchId, prediction, frozenAt?, madeAfterKickoff?} |
 * {matchId, unavailable}]), each stored prediction spliced in as it is: no parse and
 * re-serialise per item.
 */
export function upcomingPageJson(
  items: ReadonlyArray<{
    matchId: number;
    json?: string;
    unavailable?: string;
    frozenAt?: string;
    madeAfterKickoff?: true;
  }>,
): string {
  const parts = items.map((item) => {
    if (item.json === undefined) {
      return asciiJson({ matchId: item.matchId, unavailable: item.unavailable });
    }
    const after =
      (item.frozenAt ? `,"frozenAt":${JSON.stringify(item.frozenAt)}` : '') +
      (item.madeAfterKickoff ? ',"madeAfterKickoff":true' : '');
    return `{"matchId":${item.matchId},"prediction":${item.json}${after}}`;
  });
  return `[${parts.join(',')}]`;
}
