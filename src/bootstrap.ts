import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { VersioningType } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import multipart from '@fastify/multipart';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { assignRequestId, REQUEST_ID_HEADER } from './common/http/request-id';
import { registerSecurityHeaders } from './common/http/security-headers';
import { registerInputGuards } from './common/http/input-guards';
import { frameworkErrorProblem, MAX_PATH_PARAMETER_LENGTH } from './common/http/framework-errors';
import { registerRequestLogging } from './infrastructure/logging/request-logging';
import { ROOT_LOGGER } from './infrastructure/logging/logging.module';
import { StartupLogs } from './infrastructure/logging/startup-logs';
import { setUpSwagger } from './common/http/swagger';
import { restrictToOperationalRoutes } from './common/http/operational-routes';
import { ReadinessRegistry } from './infrastructure/health/readiness.registry';
import { closeConnectionsWhenShuttingDown } from './infrastructure/lifecycle/graceful-shutdown';
import { tagActiveSpanWithRequestId } from './infrastructure/tracing/span-attributes';
import { HttpRequestMetrics, registerHttpMetrics } from './infrastructure/metrics/http-metrics';
import { PreRouter } from './infrastructure/http/pre-router';
import { registerMetricsRoute } from './infrastructure/metrics/metrics-endpoint';
import { MetricsService } from './infrastructure/metrics/metrics.service';
import { ProxyTrust } from './common/http/proxy-trust';
import { trackRoutes } from './common/http/route-registry';
import { CachedPredictionFastPath } from './predictions/cached-prediction-fast-path';
import { AUTHENTICATION } from './auth/access/authenticator';
import { RATE_LIMIT_DRAWS } from './auth/rate-limit/rate-limiter';

const REQUEST_PROPERTIES = [
  'principal',
  'auditAsAdmin',
  'auditBodyFields',
  AUTHENTICATION,
  RATE_LIMIT_DRAWS,
];

/** Headers browsers may read on cross-origin responses. */
const EXPOSED_HEADERS = [
  REQUEST_ID_HEADER,
  'x-total-count',
  'link',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  // Predictions: the entity tag to revalidate with, and how and by which version it was served.
  'etag',
  'x-cache',
  'x-model-version',
  'x-model-variant',
  'x-prediction-frozen',
  'x-prediction-made-after-kickoff',
];

/** Builds the HTTP application (not listening): shared by main.ts and the e2e tests. */
export async function createApp(): Promise<NestFastifyApplication> {
  const proxyTrust = new ProxyTrust();
  const adapter = new FastifyAdapter({
    genReqId: (req: IncomingMessage) => assignRequestId(req),
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For is believed from TRUSTED_PROXIES only (set below, once config is read).
    trustProxy: proxyTrust.trusts,
    // On shutdown, requests already received on open connections are served, not refused
    // with 503 (graceful shutdown: the listener closes, in-flight work finishes).
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: frameworkErrorProblem,
  });
  trackRoutes(adapter.getInstance());
  const startupLogs = new StartupLogs();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: startupLogs,
    // A failed start is thrown to the caller (main.ts reports it plainly), not exited on here.
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  startupLogs.replayInto(logger);
  const config = app.get(AppConfig);
  proxyTrust.configure(config.trustedProxies);
  const fastify = app.getHttpAdapter().getInstance();
  // Every property the service sets on a request, present on each from its creation: requests
  // of one shape keep property reads monomorphic in Fastify's code and ours (Fastify's advice).
  for (const property of REQUEST_PROPERTIES) fastify.decorateRequest(property, undefined);
  // Every hook here is callback-style: an async hook costs a promise per request on every route.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    tagActiveSpanWithRequestId(request.id);
    done();
  });
  registerInputGuards(fastify);
  registerRequestLogging(fastify, app.get(ROOT_LOGGER));
  registerSecurityHeaders(fastify);
  const metrics = app.get(MetricsService);
  const httpMetrics = new HttpRequestMetrics(metrics);
  registerHttpMetrics(fastify, httpMetrics);
  if (config.metricsPort === undefined) registerMetricsRoute(fastify, metrics);
  closeConnectionsWhenShuttingDown(fastify, app.get(ReadinessRegistry));
  // A worker answers probes and scrapes only: the API is the api role's.
  if (!config.servesApi) restrictToOperationalRoutes(fastify);
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'x-api-key',
        REQUEST_ID_HEADER,
        // A prediction's revalidation (If-None-Match) and recomputation (Cache-Control: no-cache).
        'if-none-match',
        'cache-control',
      ],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  await app.register(multipart as never, {
    limits: { fileSize: config.importMaxUploadBytes, files: 1 },
  });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: undefined });
  if (config.servesApi) {
    const preRouter = new PreRouter({
      metrics: httpMetrics,
      logger: app.get(ROOT_LOGGER),
      readiness: app.get(ReadinessRegistry),
      trustsProxy: proxyTrust.trusts,
      carried: [AUTHENTICATION, RATE_LIMIT_DRAWS],
    });
    app.get(CachedPredictionFastPath).attachTo(preRouter);
    preRouter.install(fastify);
    setUpSwagger(app);
  }
  await app.init();
  return app;
}
