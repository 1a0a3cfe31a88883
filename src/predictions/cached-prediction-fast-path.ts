import { Injectable } from '@nestjs/common';
import { ACCESS_RULE, decideAccess, type AccessRule } from '../common/auth/access-rule';
import type { CallerReply, CallerRequest } from '../common/http/caller-request';
import { Authenticator } from '../auth/access/authenticator';
import { RateLimiter } from '../auth/rate-limit/rate-limiter';
import type { PreRouter } from '../infrastructure/http/pre-router';
import { bypassesCache, callerKey, sendPrediction } from './prediction-http';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';

export const PREDICTION_ROUTE = '/v1/matches/:id/prediction';
/**
 * The route with an id ParseIdPipe accepts (up to 9 digits, all below MAX_ID) and no query
 * string; anything else (`?model=`, a bad id) takes the full route.
 */
const PLAIN_PREDICTION_PATH = /^\/v1\/matches\/([1-9]\d{0,8})\/prediction$/;

/**
 * Answers cache hits of GET /v1/matches/{id}/prediction in the pre-router, before Fastify's
 * routing and hooks and Nest's router, guards and pipes: they cost more CPU than everything else
 * a hit needs. Only a plain hit is answered here - a caller the route's own access rule admits
 * and within its rate limit, no query and no `Cache-Control: no-cache`, the match known in
 * memory and its prediction cached. Every other request goes on to the controller, where the
 * guards decide as on any route; authentication and the rate-limit count are memoised per
 * request and handed on, so a request that goes on is neither authenticated nor counted twice.
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

  attachTo(preRouter: PreRouter): void {
    preRouter.get(PLAIN_PREDICTION_PATH, PREDICTION_ROUTE, (request, reply, path) =>
      this.serveHit(request, reply, Number(path[1])),
    );
  }

  /** Whether the request was answered (a hit); false lets it go on to the controller. */
  async serveHit(request: CallerRequest, reply: CallerReply, matchId: number): Promise<boolean> {
    if (bypassesCache(request)) return false;
    const { principal } = await this.authenticator.authenticate(request);
    if (!principal || !decideAccess(this.rule, principal).allowed) return false;
    // Over budget: the guard answers the 429 from the same (memoised) count.
    if (await this.rateLimiter.check(request, reply, false)) return false;
    const result = await this.predictions.cached(matchId, {
      callerKey: callerKey(request, principal),
    });
    if (!result) return false;
    request.principal = principal;
    sendPrediction(request, reply, result);
    return true;
  }
}
