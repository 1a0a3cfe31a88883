import { trace } from '@opentelemetry/api';
import { startTracing, stopTracing } from './tracing';
import { traceFieldsForLogs } from './span-attributes';

describe('tracing when OTEL_EXPORTER_OTLP_ENDPOINT is not set', () => {
  it('stays off: no provider, no active spans, nothing added to log lines', async () => {
    expect(startTracing({})).toBeUndefined();
    expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();
    const span = trace.getTracer('test').startSpan('x');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(traceFieldsForLogs()).toEqual({});
    await expect(stopTracing()).resolves.toBeUndefined();
  });
});
