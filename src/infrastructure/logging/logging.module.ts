import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger as PinoInstance } from 'pino';
import { AppConfig } from '../../config/app-config';
import { traceFieldsForLogs } from '../tracing/span-attributes';
import { REDACTED_PATHS, requestIdForLogs } from './request-logging';
import { logTimestamp } from './startup-logs';

/** The application's one pino instance (bootstrap logs requests through it). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Global()
@Module({
  providers: [
    {
      provide: ROOT_LOGGER,
      inject: [AppConfig],
      useFactory: (config: AppConfig): PinoInstance =>
        pino({
          level: config.logLevel,
          timestamp: logTimestamp,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // requestId on lines written while serving a request; trace_id / span_id inside a
          // span (only when tracing is on).
          mixin: () => ({ ...requestIdForLogs(), ...traceFieldsForLogs() }),
        }),
    },
  ],
  exports: [ROOT_LOGGER],
})
class RootLoggerModule {}

/**
 * nestjs-pino as Nest's logger, over that pino instance. Requests are logged by Fastify hooks
 * (request-logging.ts, registered in bootstrap), not by pino-http as Nest middleware: no routes.
 */
@Module({
  imports: [
    RootLoggerModule,
    LoggerModule.forRootAsync({
      imports: [RootLoggerModule],
      inject: [ROOT_LOGGER],
      useFactory: (logger: PinoInstance) => ({ pinoHttp: { logger }, forRoutes: [] }),
    }),
  ],
})
export class LoggingModule {}
