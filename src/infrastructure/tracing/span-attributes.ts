import { trace } from '@opentelemetry/api';

/** The request id on the current span (the HTTP server span), so traces and logs meet. */
export function tagActiveSpanWithRequestId(requestId: string): void {
  trace.getActiveSpan()?.setAttribute('request.id', requestId);
}

/** trace_id and span_id for a log line written inside a span; nothing outside one. */
export function traceFieldsForLogs(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
