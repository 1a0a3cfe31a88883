import proxyAddr from '@fastify/proxy-addr';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger as PinoInstance } from 'pino';
import type { Principal } from '../../common/auth/principal';
import type { CallerReply, CallerRequest } from '../../common/http/caller-request';
import { assignRequestId, REQUEST_ID_HEADER } from '../../common/http/request-id';
import { API_SECURITY_HEADERS } from '../../common/http/security-headers';
import type { ReadinessRegistry } from '../health/readiness.registry';
import { logCompletedRequest, withRequestId } from '../logging/request-logging';
import type { HttpRequestMetrics } from '../metrics/http-metrics';
import { tagActiveSpanWithRequestId } from '../tracing/span-attributes';

/**
 * Answers the request itself (true), or declines (false) and Fastify serves it as any other.
 * `path` is the route pattern's match.
 */
export type PreRouteHandler = (
  request: PreRoutedRequest,
  reply: PreRoutedReply,
  path: RegExpExecArray,
) => Promise<boolean>;

/** The pre-router's request, kept on the raw one when it goes on to Fastify. */
const PRE_ROUTED = Symbol('pre-routed request');
type RawRequest = IncomingMessage & { [PRE_ROUTED]?: PreRoutedRequest };

export class PreRoutedRequest implements CallerRequest {
  principal?: Principal = undefined;
  private address: string | undefined = undefined;

  constructor(
    readonly raw: IncomingMessage,
    readonly id: string,
    private readonly trustsProxy: (address: string, hop: number) => boolean,
  ) {}

  get headers(): IncomingMessage['headers'] {
    return this.raw.headers;
  }

  /** As Fastify's request.ip with the same proxy trust; worked out only when asked. */
  get ip(): string {
    return (this.address ??= proxyAddr(this.raw, this.trustsProxy));
  }
}

export class PreRoutedReply implements CallerReply {
  statusCode = 200;
  sent = false;
  private readonly headers: Record<string, string | number>;

  constructor(
    private readonly res: ServerResponse,
    requestId: string,
  ) {
    this.headers = { [REQUEST_ID_HEADER]: requestId };
    for (const [name, value] of API_SECURITY_HEADERS) this.headers[name] = value;
  }

  header(name: string, value: string | number): this {
    this.headers[name] = value;
    return this;
  }

  code(statusCode: number): this {
    this.statusCode = statusCode;
    return this;
  }

  send(payload?: string | Buffer): void {
    if (payload !== undefined) this.headers['content-length'] = Buffer.byteLength(payload);
    this.res.writeHead(this.statusCode, this.headers);
    this.res.end(payload);
    this.sent = true;
  }
}

interface PreRoute {
  pattern: RegExp;
  /** The route template of the Fastify route it stands in front of (the metrics' label). */
  template: string;
  handler: PreRouteHandler;
}

export interface PreRouterOptions {
  metrics: HttpRequestMetrics;
  logger: PinoInstance;
  readiness: ReadinessRegistry;
  trustsProxy: (address: string, hop: number) => boolean;
  /** Per-request memos (authentication, rate-limit count) handed on when Fastify takes over. */
  carried: readonly symbol[];
}

/**
 * Serves chosen GET requests straight from Node's HTTP server, before Fastify builds its request
 * and reply and runs its routing and hooks: for a cache hit of a prediction, those cost more
 * than all the hit's own work (see README, HTTP performance). What the service's Fastify hooks do
 * for every response is done here for these too, with the same code: the request id, security
 * headers, request metrics and the request log line. Anything a handler declines, any request
 * with a body or an Origin (CORS is Fastify's), and everything while shutting down (Fastify
 * closes connections then) goes on to Fastify, with the memos of the checks already made.
 */
export class PreRouter {
  private readonly routes: PreRoute[] = [];

  constructor(private readonly options: PreRouterOptions) {}

  get(pattern: RegExp, template: string, handler: PreRouteHandler): void {
    this.routes.push({ pattern, template, handler });
  }

  /** Call before the application is ready: it adds a Fastify hook. */
  install(fastify: FastifyInstance): void {
    const server = fastify.server;
    const listeners = server.listeners('request') as RequestListener[];
    if (listeners.length !== 1) {
      throw new Error(`expected Fastify's one request listener, found ${listeners.length}`);
    }
    const [fastifyListener] = listeners;
    server.removeListener('request', fastifyListener);
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.dispatch(req, res, fastifyListener),
    );
    const carried = this.options.carried;
    fastify.addHook('onRequest', (request, _reply, done) => {
      const preRouted = (request.raw as RawRequest)[PRE_ROUTED];
      if (preRouted) {
        const from = preRouted as unknown as Record<symbol, unknown>;
        const to = request as unknown as Record<symbol, unknown>;
        for (const property of carried) to[property] = from[property];
      }
      done();
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, fastify: RequestListener): void {
    const found = this.route(req);
    if (!found) return void fastify(req, res);
    const [route, path] = found;
    const started = performance.now();
    const id = assignRequestId(req);
    const request = new PreRoutedRequest(req, id, this.options.trustsProxy);
    const reply = new PreRoutedReply(res, id);
    const handOver = () => {
      if (reply.sent) return;
      (req as RawRequest)[PRE_ROUTED] = request;
      fastify(req, res);
    };
    withRequestId(id, () => {
      tagActiveSpanWithRequestId(id);
      route.handler(request, reply, path).then(
        (served) => {
          if (!served) return handOver();
          this.completed(request, route, reply.statusCode, performance.now() - started);
        },
        // Whatever failed fails again in Fastify, which answers it as problem+json.
        handOver,
      );
    });
  }

  private route(req: IncomingMessage): [PreRoute, RegExpExecArray] | undefined {
    if (req.method !== 'GET' || this.options.readiness.shuttingDownSince) return undefined;
    const headers = req.headers;
    if (headers.origin !== undefined) return undefined;
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) {
      return undefined;
    }
    for (const route of this.routes) {
      const path = route.pattern.exec(req.url ?? '');
      if (path) return [route, path];
    }
    return undefined;
  }

  private completed(
    request: PreRoutedRequest,
    route: PreRoute,
    statusCode: number,
    milliseconds: number,
  ): void {
    this.options.metrics.observe('GET', route.template, statusCode, milliseconds);
    if (!this.options.logger.isLevelEnabled('info')) return;
    logCompletedRequest(this.options.logger, {
      id: request.id,
      method: 'GET',
      url: request.raw.url ?? '',
      headers: request.headers,
      ip: request.ip,
      statusCode,
      milliseconds,
    });
  }
}
