import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ACCESS_RULE, decideAccess, type AccessRule } from '../common/auth/access-rule';
import { Authenticator } from '../auth/access/authenticator';
import { RateLimiter } from '../auth/rate-limit/rate-limiter';
import { bypassesCache, callerKey, sendPrediction } from './prediction-http';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';

export const PREDICTION_ROUTE = '/v1/matches/:id/prediction';
/** Ids ParseIdPipe accepts (up to 9 digits, all below MAX_ID); anything else takes the full route. */
const MATCH_ID = /^[1-9]\d{0,8}$/;

/**
 * Answers cache hits of GET /v1/matches/{id}/prediction from an onRequest hook of that route,
 * before Nest's router, guards and pipes run: they cost more CPU than everything else a hit
 * needs. Only a plain hit is answered here - a caller the route's own access rule admits and
 * within its rate limit, no `?model=` and no `Cache-Control: no-cache`, the match known in
 * memory and its prediction cached. Every other request goes on to the controller, where the
 * guards decide as on any route; authentication and the rate-limit count are memoised per
 * request, so a request that goes on is neither authenticated nor counted twice.
 */
@Injectable()
export class CachedPredictionFastPath {
  /** The controller route's own rule: one place says who may read predictions. */
  private readonly rule = Reflect.getMetadata(
    ACCESS_RULE,
    PredictionsController.prototype.prediction,
  ) as AccessRule;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: RateLimiter,
    private readonly predictions: PredictionsService,
  ) {}

  /** Call before the application initialises: Fastify hooks a route when it is registered. */
  attachTo(fastify: FastifyInstance): void {
    const hook: onRequestHookHandler = (request, reply, done) => {
      this.serveHit(request, reply).then(
        (served) => {
          if (!served) done();
        },
        // Whatever failed fails again on the full route, which answers it as problem+json.
        () => done(),
      );
    };
    fastify.addHook('onRoute', (route) => {
      if (route.url !== PREDICTION_ROUTE || route.method !== 'GET') return;
      route.onRequest = [...[route.onRequest ?? []].flat(), hook];
    });
  }

  /** Whether the request was answered (a hit); false lets it go on to the controller. */
  async serveHit(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const id = (request.params as { id?: string }).id;
    if (id === undefined || !MATCH_ID.test(id)) return false;
    if ((request.query as { model?: unknown }).model !== undefined) return false;
    if (bypassesCache(request)) return false;
    const { principal } = await this.authenticator.authenticate(request);
    if (!principal || !decideAccess(this.rule, principal).allowed) return false;
    // Over budget: the guard answers the 429 from the same (memoised) count.
    if (await this.rateLimiter.check(request, reply, false)) return false;
    const result = await this.predictions.cached(Number(id), {
      callerKey: callerKey(request, principal),
    });
    if (!result) return false;
    request.principal = principal;
    sendPrediction(request, reply, result);
    return true;
  }
}
