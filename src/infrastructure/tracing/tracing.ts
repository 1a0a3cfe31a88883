/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is required lazily, on purpose */
import type { IncomingMessage } from 'node:http';

/**
 * OpenTelemetry tracing: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set, and then HTTP (server
 * and client), PostgreSQL (pg) and Redis (ioredis) spans go to `<endpoint>/v1/traces` over
 * OTLP/HTTP. It must start before anything requires http, pg or ioredis (the instrumentations
 * patch those modules as they load): preload.ts does it first thing in main.ts, reading the
 * environment and the .env files itself for that reason; the variables are still declared and
 * validated in src/config/environment.ts. Nothing of the SDK is even loaded when tracing is off.
 */
let provider: { shutdown(): Promise<void> } | undefined;

/** Starts tracing when configured; returns the endpoint, or undefined when tracing is off. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || provider) return provider ? endpoint : undefined;
  const { context, propagation, trace } =
    require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { BatchSpanProcessor, TracerProvider } =
    require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');

  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME || 'oracxpred',
      'oracxpred.role': env.ORACXPRED_ROLE || 'all',
    }),
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS) itself.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces.
        ignoreIncomingRequestHook: (request: IncomingMessage) =>
          /^\/(health|metrics)(\/|\?|$)/.test(request.url ?? ''),
      }),
      // Only inside a request or a job: Bull's Redis polling and idle pool work stay out.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  provider = tracerProvider;
  return endpoint;
}

/** Sends the spans still buffered and stops (shutdown); nothing to do when tracing is off. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
}
