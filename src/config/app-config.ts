import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import path from 'node:path';
import { CollectorSourceConfig, parseCollectorSources, SOURCE_DEFAULTS } from './collector-sources';
import {
  Environment,
  parseApiKeyPlans,
  parsePreviousKeys,
  PreviousSigningKey,
  Profile,
  ServiceRole,
  splitList,
} from './environment';

/** Typed read access to the validated configuration; the only way code reads settings. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<Environment, true>) {}

  private get<K extends keyof Environment>(key: K): Environment[K] {
    return this.config.get(key, { infer: true });
  }

  get profile(): Profile {
    return this.get('NODE_ENV');
  }
  get isProduction(): boolean {
    return this.profile === Profile.Production;
  }
  get role(): ServiceRole {
    return this.get('ORACXPRED_ROLE');
  }
  get port(): number {
    return this.get('PORT');
  }
  get host(): string {
    return this.get('HOST');
  }
  get logLevel(): string {
    return this.get('LOG_LEVEL');
  }
  get databaseUrl(): string | undefined {
    return this.get('DATABASE_URL');
  }
  get embeddedPostgres(): { dir: string; port: number } {
    return { dir: path.resolve(this.get('EMBEDDED_PG_DIR')), port: this.get('EMBEDDED_PG_PORT') };
  }
  get redisUrl(): string | undefined {
    return this.get('REDIS_URL');
  }
  get queuePrefix(): string {
    return this.get('QUEUE_PREFIX');
  }
  get demoData(): 'auto' | 'off' {
    return this.get('DEMO_DATA');
  }
  get sharedDataDir(): string {
    return path.resolve(this.get('SHARED_DATA_DIR'));
  }
  get importMaxUploadBytes(): number {
    return this.get('IMPORT_MAX_UPLOAD_MB') * 1024 * 1024;
  }
  get importUrlTimeoutMs(): number {
    return this.get('IMPORT_URL_TIMEOUT_MS');
  }
  get teamMergeLockTimeoutMs(): number {
    return this.get('TEAM_MERGE_LOCK_TIMEOUT_MS');
  }
  get overdueFixtureHours(): number {
    return this.get('OVERDUE_FIXTURE_HOURS');
  }
  get importAllowedNetworks(): string[] {
    return splitList(this.get('IMPORT_ALLOWED_NETWORKS'));
  }
  get trainingSchedule(): string | undefined {
    return this.get('TRAINING_SCHEDULE');
  }
  get trainingEvaluationWeeks(): number {
    return this.get('TRAINING_EVALUATION_WEEKS');
  }
  get autoPromotion(): { enabled: boolean; margin: number; minMatches: number } {
    return {
      enabled: this.get('AUTO_PROMOTE') === 'true',
      margin: this.get('AUTO_PROMOTE_MARGIN'),
      minMatches: this.get('AUTO_PROMOTE_MIN_MATCHES'),
    };
  }
  get challengerShare(): number {
    return this.get('AB_CHALLENGER_SHARE');
  }
  get predictionCacheTtlSeconds(): number {
    return this.get('PREDICTION_CACHE_TTL_SECONDS');
  }
  get drift(): { window: number; retrainThreshold: number } {
    return {
      window: this.get('DRIFT_WINDOW'),
      retrainThreshold: this.get('DRIFT_RETRAIN_THRESHOLD'),
    };
  }
  get webhooks(): {
    allowHttp: boolean;
    allowedNetworks: string[];
    timeoutMs: number;
    maxAttempts: number;
    backoffMs: number;
    disableAfterFailures: number;
    maxPerUser: number;
    retentionDays: number;
    maxInFlightPerSubscription: number;
  } {
    return {
      allowHttp: this.get('WEBHOOK_ALLOW_HTTP') === 'true',
      allowedNetworks: splitList(this.get('WEBHOOK_ALLOWED_NETWORKS')),
      timeoutMs: this.get('WEBHOOK_TIMEOUT_MS'),
      maxAttempts: this.get('WEBHOOK_MAX_ATTEMPTS'),
      backoffMs: this.get('WEBHOOK_BACKOFF_MS'),
      disableAfterFailures: this.get('WEBHOOK_DISABLE_AFTER_FAILURES'),
      maxPerUser: this.get('WEBHOOK_MAX_PER_USER'),
      retentionDays: this.get('WEBHOOK_DELIVERY_RETENTION_DAYS'),
      maxInFlightPerSubscription: this.get('WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION'),
    };
  }
  /** True when this process answers the public API (roles api and all). */
  get servesApi(): boolean {
    return this.role !== 'worker';
  }
  /** True when this process runs queued and scheduled jobs (roles worker and all). */
  get runsJobs(): boolean {
    return this.role !== 'api';
  }
  get metricsPort(): number | undefined {
    // Set but empty validates as unset; ConfigService then falls back to the raw '' of process.env.
    const port = this.get('METRICS_PORT');
    return typeof port === 'number' ? port : undefined;
  }
  get shutdown(): { delayMs: number; timeoutMs: number } {
    return { delayMs: this.get('SHUTDOWN_DELAY_MS'), timeoutMs: this.get('SHUTDOWN_TIMEOUT_MS') };
  }

  get jwt(): {
    current: { kid: string; secret: string };
    previous: PreviousSigningKey[];
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
  } {
    // validateEnvironment refused a malformed JWT_PREVIOUS_KEYS already.
    const previous = parsePreviousKeys(this.get('JWT_PREVIOUS_KEYS'));
    return {
      current: { kid: this.get('JWT_KEY_ID'), secret: this.get('JWT_SECRET') },
      previous: typeof previous === 'string' ? [] : previous,
      issuer: this.get('JWT_ISSUER'),
      audience: this.get('JWT_AUDIENCE'),
      accessTtlSeconds: this.get('JWT_ACCESS_TTL_SECONDS'),
    };
  }
  get refreshTokenTtlMs(): number {
    return this.get('REFRESH_TOKEN_TTL_DAYS') * 24 * 3600 * 1000;
  }
  get registration(): 'open' | 'invitation' {
    return this.get('REGISTRATION');
  }
  get firstAdmin(): { email: string; password: string } | undefined {
    const email = this.get('ADMIN_EMAIL');
    const password = this.get('ADMIN_PASSWORD');
    return email && password ? { email, password } : undefined;
  }
  get passwordMinLength(): number {
    return this.get('PASSWORD_MIN_LENGTH');
  }
  get loginLockout(): { maxFailures: number; maxFailuresPerIp: number; lockSeconds: number } {
    return {
      maxFailures: this.get('LOGIN_MAX_FAILURES'),
      maxFailuresPerIp: this.get('LOGIN_MAX_FAILURES_PER_IP'),
      lockSeconds: this.get('LOGIN_LOCK_SECONDS'),
    };
  }
  get rateLimits(): {
    windowMs: number;
    anonymous: number;
    user: number;
    auth: number;
    plans: Map<string, number>;
  } {
    return {
      windowMs: this.get('RATE_LIMIT_WINDOW_SECONDS') * 1000,
      anonymous: this.get('RATE_LIMIT_ANONYMOUS'),
      user: this.get('RATE_LIMIT_USER'),
      auth: this.get('RATE_LIMIT_AUTH'),
      plans: parseApiKeyPlans(this.get('API_KEY_PLANS')) ?? new Map(),
    };
  }
  get apiKeyDefaultPlan(): string {
    return this.get('API_KEY_DEFAULT_PLAN');
  }
  get apiKeyCacheMs(): number {
    return this.get('API_KEY_CACHE_SECONDS') * 1000;
  }
  /** Results a competition without a champion needs before a first model is trained; 0 = never. */
  get autoTrainMinMatches(): number {
    const setting = this.get('AUTO_TRAIN_NEW_COMPETITIONS');
    const on = setting === 'on' || (setting === 'auto' && this.profile === Profile.Development);
    return on ? this.get('AUTO_TRAIN_MIN_MATCHES') : 0;
  }

  /** The built-in virtual league's feed is served here (never in production unless asked). */
  get virtualLeagueEnabled(): boolean {
    const setting = this.get('VIRTUAL_LEAGUE');
    return setting === 'on' || (setting === 'auto' && this.profile === Profile.Development);
  }
  get virtualLeague(): {
    seed: number;
    epoch: number;
    kickoffIntervalMs: number;
    matchDurationMs: number;
    publishLeadMs: number;
    retentionMs: number;
    port: number;
  } {
    return {
      seed: this.get('VIRTUAL_LEAGUE_SEED'),
      epoch: Date.parse(this.get('VIRTUAL_LEAGUE_EPOCH')),
      kickoffIntervalMs: this.get('VIRTUAL_LEAGUE_KICKOFF_INTERVAL_SECONDS') * 1000,
      matchDurationMs: this.get('VIRTUAL_LEAGUE_MATCH_SECONDS') * 1000,
      publishLeadMs: this.get('VIRTUAL_LEAGUE_PUBLISH_LEAD_SECONDS') * 1000,
      retentionMs: this.get('VIRTUAL_LEAGUE_RETENTION_SECONDS') * 1000,
      port: this.get('VIRTUAL_LEAGUE_PORT'),
    };
  }
  /**
   * The live sources: COLLECTOR_SOURCES, else (development with the virtual league on) this
   * process's own virtual league feed, so the quick start collects with no internet.
   */
  get collectorSources(): CollectorSourceConfig[] {
    const raw = this.get('COLLECTOR_SOURCES');
    if (raw) return parseCollectorSources(raw) as CollectorSourceConfig[]; // validated at start
    if (!this.virtualLeagueEnabled || this.profile !== Profile.Development || !this.servesApi) {
      return [];
    }
    const host = ['0.0.0.0', '::', ''].includes(this.host) ? '127.0.0.1' : this.host;
    return [
      {
        ...SOURCE_DEFAULTS,
        id: 'virtual-league',
        provider: 'virtual-league',
        url: `http://${host.includes(':') ? `[${host}]` : host}:${this.port}/v1/virtual-league/feed`,
      },
    ];
  }
  get liveCacheSeconds(): number {
    return this.get('LIVE_CACHE_SECONDS');
  }
  get corsOrigins(): string[] {
    return splitList(this.get('CORS_ORIGINS'));
  }
  get trustedProxies(): string[] {
    return splitList(this.get('TRUSTED_PROXIES'));
  }
}
