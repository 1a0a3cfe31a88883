import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricSpec } from './metric-catalogue';

const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** One sample of a collected metric, as prom-client's own metrics report them. */
export interface CollectedValue {
  labels: Record<string, string | number>;
  value: number;
  /** Histograms: `<name>_bucket`, `<name>_sum` or `<name>_count`. */
  metricName?: string;
}

/** Reads a gauge's current values at scrape time (queue depths, pool use, ...). */
export type GaugeCollector<L extends string> = (gauge: Gauge<L>) => void | Promise<void>;

/**
 * The process's one Prometheus registry. Any module injects this service and registers its
 * metrics from the catalogue (metric-catalogue.ts); asking twice for a spec returns the same
 * metric, so modules never race to register.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    // Standard process_* and nodejs_* metrics (CPU, memory, event loop lag, GC, handles).
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters (promtool rejects them); nodejs_active_handles{type} and friends
    // carry the same numbers, per type.
    for (const name of MISNAMED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
  }

  counter<L extends string>(spec: MetricSpec<L>): Counter<L> {
    return this.existing(spec) ?? new Counter({ ...this.base(spec) });
  }

  histogram<L extends string>(spec: MetricSpec<L>): Histogram<L> {
    return (
      this.existing(spec) ??
      new Histogram({ ...this.base(spec), buckets: [...(spec.buckets ?? [])] })
    );
  }

  /** A gauge; with `collect`, its values are read fresh on every scrape. */
  gauge<L extends string>(spec: MetricSpec<L>, collect?: GaugeCollector<L>): Gauge<L> {
    const found = this.existing<Gauge<L>>(spec);
    if (found) return found;
    return new Gauge<L>({
      ...this.base(spec),
      ...(collect
        ? {
            collect: async function (this: Gauge<L>) {
              await collect(this);
            },
          }
        : {}),
    });
  }

  /**
   * A counter or histogram whose owner keeps the totals itself and hands them over at scrape
   * time, for a hot path where prom-client's per-call label validation and hashing cost more
   * than the count (see http-metrics.ts). `values` answers in prom-client's exposition form.
   */
  collected(spec: MetricSpec, values: () => CollectedValue[], reset: () => void): void {
    if (this.registry.getSingleMetric(spec.name)) {
      throw new Error(`metric ${spec.name} is already registered`);
    }
    const { name, help, type, labelNames } = spec;
    const metric = {
      name,
      help,
      type,
      labelNames,
      aggregator: 'sum' as const,
      get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }),
      reset,
    };
    this.registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The exposition text and its content type, as GET /metrics answers. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private base<L extends string>(spec: MetricSpec<L>) {
    return {
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [this.registry],
    };
  }

  private existing<M>(spec: MetricSpec): M | undefined {
    const metric = this.registry.getSingleMetric(spec.name);
    if (!metric) return undefined;
    // Same name, other definition: a programming error that would corrupt the exposition.
    const type = typeOf(metric);
    if (type !== spec.type) {
      throw new Error(`metric ${spec.name} is already registered as a ${type}, not a ${spec.type}`);
    }
    return metric as M;
  }
}

function typeOf(metric: object): string {
  if (metric instanceof Counter) return 'counter';
  if (metric instanceof Gauge) return 'gauge';
  if (metric instanceof Histogram) return 'histogram';
  return 'unknown';
}
