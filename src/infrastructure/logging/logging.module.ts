import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../../config/app-config';
import { REQUEST_ID_HEADER } from '../../common/http/request-id';
import { traceFieldsForLogs } from '../tracing/span-attributes';

/** Paths that must never reach a log line in clear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.secret',
  '*.apiKey',
];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Fastify assigned the id already (see main.ts); reuse it so logs and responses agree.
          genReqId: (req: IncomingMessage) => String(req.headers[REQUEST_ID_HEADER]),
          customProps: (req: IncomingMessage) => ({ requestId: req.headers[REQUEST_ID_HEADER] }),
          // trace_id / span_id on every line written inside a span (only when tracing is on).
          mixin: traceFieldsForLogs,
          autoLogging: {
            // Probes and scrapes would drown the request log.
            ignore: (req: IncomingMessage) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? ''),
          },
        },
        // nestjs-pino on Fastify logs nothing with its default route pattern (design notes).
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
      }),
    }),
  ],
})
export class LoggingModule {}
