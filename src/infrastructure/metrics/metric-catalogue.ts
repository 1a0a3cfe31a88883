/**
 * Every application metric OracXPred exposes, in one place: names, help texts, labels and
 * buckets. Code registers a metric through MetricsService with one of these specs, never with a
 * name of its own, so dashboards, alert rules (deploy/monitoring) and docs/OPERATIONS.md have one
 * list to agree with. Names follow Prometheus conventions (base units, `_total` for counters).
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec<L extends string = string> {
  type: MetricType;
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Histograms only; in the metric's base unit (seconds). */
  buckets?: readonly number[];
}

function spec<L extends string>(definition: MetricSpec<L>): MetricSpec<L> {
  return definition;
}

/** Latency buckets (seconds) around the 500 ms p95 objective. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Jobs range from milliseconds (small imports) to minutes (training runs). */
const JOB_BUCKETS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600];
/** Webhook receivers answer within WEBHOOK_TIMEOUT_MS (5 s by default). */
const WEBHOOK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const METRICS = {
  buildInfo: spec({
    type: 'gauge',
    name: 'oracxpred_build_info',
    help: 'Always 1; labels say which version and role this process runs',
    labelNames: ['version', 'role', 'node_version'],
  }),

  // HTTP (src/infrastructure/metrics/http-metrics.ts). `route` is the route template
  // (/v1/matches/:id), "unmatched" for 404s, so the label set stays small.
  httpRequests: spec({
    type: 'counter',
    name: 'oracxpred_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
  }),
  httpRequestDuration: spec({
    type: 'histogram',
    name: 'oracxpred_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_BUCKETS,
  }),

  // Job queue (src/infrastructure/queue/instrumented-job-queue.ts), both backends.
  queueJobs: spec({
    type: 'gauge',
    name: 'oracxpred_queue_jobs',
    help: 'Jobs in each queue by state, read from the backend at scrape time (Bull: shared by every replica)',
    labelNames: ['queue', 'state'],
  }),
  jobDuration: spec({
    type: 'histogram',
    name: 'oracxpred_job_duration_seconds',
    help: 'Run time of each job attempt in this process, by queue and outcome (completed or failed)',
    labelNames: ['queue', 'outcome'],
    buckets: JOB_BUCKETS,
  }),
  jobFailures: spec({
    type: 'counter',
    name: 'oracxpred_job_failures_total',
    help: 'Failed job attempts in this process; final="true" when no retry is left',
    labelNames: ['queue', 'final'],
  }),

  // Imports (src/matches/imports/ingestion.service.ts).
  importRows: spec({
    type: 'counter',
    name: 'oracxpred_import_rows_total',
    help: 'Rows read by imports: accepted (written or unchanged) or rejected (bad, or refused by a strict import)',
    labelNames: ['format', 'outcome'],
  }),

  // Overdue fixtures (src/matches/overdue/overdue-fixtures.service.ts), read at scrape time.
  overdueFixtures: spec({
    type: 'gauge',
    name: 'oracxpred_overdue_fixtures',
    help: 'Fixtures whose kick-off is more than OVERDUE_FIXTURE_HOURS ago with no result and not cancelled; played_twin="true" when the same competition, season and teams have a played match (a likely phantom)',
    labelNames: ['played_twin'],
  }),

  // Database pool (src/infrastructure/database/database.module.ts), read at scrape time.
  dbPoolConnections: spec({
    type: 'gauge',
    name: 'oracxpred_db_pool_connections',
    help: 'Connections of the PostgreSQL pool by state (active: checked out, idle: open and free)',
    labelNames: ['state'],
  }),
  dbPoolMaxConnections: spec({
    type: 'gauge',
    name: 'oracxpred_db_pool_max_connections',
    help: 'Most connections the PostgreSQL pool may open',
    labelNames: [],
  }),
  dbPoolWaitingRequests: spec({
    type: 'gauge',
    name: 'oracxpred_db_pool_waiting_requests',
    help: 'Queries waiting for a free pool connection',
    labelNames: [],
  }),

  // Caches: one counter for every cache, told apart by `cache` (e.g. "predictions").
  cacheRequests: spec({
    type: 'counter',
    name: 'oracxpred_cache_requests_total',
    help: 'Requests answered from a cache (hit) or computed because it did not hold them (miss)',
    labelNames: ['cache', 'result'],
  }),

  // Live collection (src/matches/collector/collector.service.ts).
  collectorPolls: spec({
    type: 'counter',
    name: 'oracxpred_collector_polls_total',
    help: 'Polls of live sources by source and outcome (succeeded, unchanged, failed, skipped-breaker-open, skipped-busy)',
    labelNames: ['source', 'outcome'],
  }),
  collectorPollDuration: spec({
    type: 'histogram',
    name: 'oracxpred_collector_poll_duration_seconds',
    help: 'Time one poll took (fetch with retries, normalisation and storage), by source and outcome',
    labelNames: ['source', 'outcome'],
    buckets: HTTP_BUCKETS,
  }),
  collectorBreakerState: spec({
    type: 'gauge',
    name: 'oracxpred_collector_breaker_state',
    help: "State of each live source's circuit breaker: 0 closed, 1 half-open, 2 open (read at scrape time, shared by every replica)",
    labelNames: ['source'],
  }),
  collectorLastSuccess: spec({
    type: 'gauge',
    name: 'oracxpred_collector_last_success_timestamp_seconds',
    help: 'Unix time of the last successful poll of each live source (read at scrape time)',
    labelNames: ['source'],
  }),

  // Predictions and models (issue 4 wires these: see docs/OPERATIONS.md, "Metrics").
  predictionsServed: spec({
    type: 'counter',
    name: 'oracxpred_predictions_served_total',
    help: 'Predictions served, by model and model version',
    labelNames: ['model', 'model_version'],
  }),
  championRollingRps: spec({
    type: 'gauge',
    name: 'oracxpred_champion_rolling_rps',
    help: "Champion model's ranked probability score over its recent scored predictions (lower is better)",
    labelNames: ['scope', 'model_version'],
  }),
  championBacktestRps: spec({
    type: 'gauge',
    name: 'oracxpred_champion_backtest_rps',
    help: "Champion model's ranked probability score in its walk-forward backtest: the drift baseline",
    labelNames: ['scope', 'model_version'],
  }),

  // Webhooks (src/webhooks/webhook-delivery.service.ts): one count per delivery attempt.
  webhookDeliveries: spec({
    type: 'counter',
    name: 'oracxpred_webhook_deliveries_total',
    help: 'Webhook delivery attempts by event and outcome (delivered, retrying, failed, refused, cancelled)',
    labelNames: ['event', 'outcome'],
  }),
  webhookDeliveryDuration: spec({
    type: 'histogram',
    name: 'oracxpred_webhook_delivery_duration_seconds',
    help: "Time from sending a webhook to the receiver's answer (or the failure), by event and result",
    labelNames: ['event', 'result'],
    buckets: WEBHOOK_BUCKETS,
  }),
} as const;
