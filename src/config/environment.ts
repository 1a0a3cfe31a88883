import { plainToInstance, Transform } from 'class-transformer';
import { parseExpression } from 'cron-parser';
import { isIP } from 'node:net';
import { parseCollectorSources } from './collector-sources';
import {
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsEmail,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export enum Profile {
  Development = 'development',
  Test = 'test',
  Production = 'production',
}

export const SERVICE_ROLES = ['api', 'worker', 'all'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** Secrets that ship in examples and docs; production refuses them. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'change-me',
  'changeme',
  'secret',
  'development-secret-change-me-development-secret',
]);

const KEY_ID_PATTERN = /^[\w.-]{1,64}$/;

const emptyToUndefined = ({ value }: { value: unknown }) =>
  value === '' || value === null ? undefined : value;
/**
 * A number as an operator writes one: decimal digits, optionally signed (and for fractions a
 * decimal point or an exponent). Number() alone would read a blank value as 0 (PORT=" " listening
 * on a random port) and accept hex or exponent forms; anything else becomes NaN, refused naming
 * the variable.
 */
const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const toNumber =
  (form: RegExp) =>
  ({ value }: { value: unknown }) => {
    if (value === '' || value === undefined) return undefined;
    if (typeof value !== 'string') return Number(value);
    return form.test(value.trim()) ? Number(value) : Number.NaN;
  };
const toInt = toNumber(INTEGER);
const toFloat = toNumber(DECIMAL);

/**
 * The one schema of the service's configuration. Every variable the service reads is declared
 * here, validated at start, and a bad or missing value stops the start naming the variable.
 */
export class Environment {
  @IsEnum(Profile)
  NODE_ENV: Profile = Profile.Development;

  @IsIn(SERVICE_ROLES)
  ORACXPRED_ROLE: ServiceRole = 'all';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** An address or a host name: an empty HOST would make Node listen on every interface. */
  @Matches(
    /^([\da-fA-F:.]+|[a-zA-Z\d]([a-zA-Z\d-]*[a-zA-Z\d])?(\.[a-zA-Z\d]([a-zA-Z\d-]*[a-zA-Z\d])?)*)$/,
    {
      message: 'HOST must be an IP address or a host name, such as 127.0.0.1 or 0.0.0.0',
    },
  )
  HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  EMBEDDED_PG_DIR = '.data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  REDIS_URL?: string;

  /** Key prefix of the Bull queues in Redis; separate deployments (or test runs) use their own. */
  @IsString()
  @MinLength(1)
  QUEUE_PREFIX = 'oracxpred';

  @IsIn(['auto', 'off'])
  DEMO_DATA: 'auto' | 'off' = 'auto';

  @IsString()
  SHARED_DATA_DIR = '../shared/data';

  @IsString()
  @MinLength(16)
  JWT_SECRET = 'development-secret-change-me-development-secret';

  /** Key id (`kid`) of JWT_SECRET in the tokens it signs; change it whenever the secret changes. */
  @Matches(KEY_ID_PATTERN)
  JWT_KEY_ID = 'k1';

  /**
   * Retired signing keys, still accepted for tokens issued before their retirement and for at most
   * JWT_ACCESS_TTL_SECONDS after it: JSON `[{"kid":"k0","secret":"...","retiredAt":"<ISO time>"}]`.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_KEYS?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'oracxpred';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'oracxpred-api';

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** open: anyone may register (as a viewer); invitation: only with an admin's invitation. */
  @IsIn(['open', 'invitation'])
  REGISTRATION: 'open' | 'invitation' = 'invitation';

  /** The first admin, created at start when no admin exists yet (both or neither). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @Transform(toInt)
  @IsInt()
  @Min(8)
  @Max(128)
  PASSWORD_MIN_LENGTH = 12;

  /** Failed logins of one account (or one unknown name) before it is locked for LOGIN_LOCK_SECONDS. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES = 5;

  /** Failed logins from one client address before that address is locked. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_MAX_FAILURES_PER_IP = 50;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_LOCK_SECONDS = 900;

  /** Rate limits: requests per RATE_LIMIT_WINDOW_SECONDS, per client address or per account. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ANONYMOUS = 120;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER = 1200;

  /** Login, registration and token refresh, per client address (on top of the limits above). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_AUTH = 20;

  /** API key plans, `name:requests per window`, comma-separated; a key's plan sets its limit. */
  @Matches(/^\s*[a-z][\w-]*:\d+\s*(,\s*[a-z][\w-]*:\d+\s*)*$/, {
    message: 'API_KEY_PLANS must look like "free:600,pro:6000"',
  })
  API_KEY_PLANS = 'free:600,pro:6000';

  @Matches(/^[a-z][\w-]*$/)
  API_KEY_DEFAULT_PLAN = 'free';

  /** How long a replica trusts its cached API key lookup (revocation elsewhere takes this long). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  API_KEY_CACHE_SECONDS = 30;

  /** Browser origins allowed by CORS, comma-separated; empty: no cross-origin access. */
  @IsString()
  CORS_ORIGINS = '';

  /**
   * Proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For is believed; the
   * client address of a request from anyone else is its own socket address.
   */
  @IsString()
  TRUSTED_PROXIES = '';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  IMPORT_MAX_UPLOAD_MB = 50;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  IMPORT_URL_TIMEOUT_MS = 30000;

  /**
   * Longest wait of a team merge for its two teams, which an import holds while it files their
   * matches: past it the merge gives up (409 teams-busy, Retry-After) instead of hanging the
   * request and a database connection behind the import. Adding an alias to a team a merge
   * holds waits as long at most (then the same 409).
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  TEAM_MERGE_LOCK_TIMEOUT_MS = 10000;

  /**
   * Hours after its kick-off that a fixture without a result (scheduled, postponed or live) is
   * overdue: listed by GET /v1/matches/overdue and counted by the oracxpred_overdue_fixtures
   * gauge. Results usually arrive within a day; two days leave room for a late source.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8760)
  OVERDUE_FIXTURE_HOURS = 48;

  /**
   * Networks (CIDR ranges or addresses, comma-separated) that URLs given to POST /v1/imports may
   * resolve to even though they are not public (loopback, private, ...): an on-premises file
   * server. Without them such URLs are refused, so the API cannot be used to read internal hosts.
   */
  @IsString()
  IMPORT_ALLOWED_NETWORKS = '';

  /** Cron (UTC) for retraining every scope's champion settings; empty = no scheduled retraining. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  TRAINING_SCHEDULE?: string;

  /** Held-out weeks scored by each training run's walk-forward backtest (default of the API). */
  @Transform(toInt)
  @IsInt()
  @Min(4)
  @Max(260)
  TRAINING_EVALUATION_WEEKS = 26;

  /** Promote a challenger automatically when it beats the champion on the same scored matches. */
  @IsIn(['true', 'false'])
  AUTO_PROMOTE: 'true' | 'false' = 'false';

  /**
   * Train a first model for a competition no champion covers once it has this many results (a
   * new league arriving from a live source); auto = on in development only (the quick start's
   * virtual league), off = never.
   */
  @IsIn(['auto', 'on', 'off'])
  AUTO_TRAIN_NEW_COMPETITIONS: 'auto' | 'on' | 'off' = 'auto';

  @Transform(toInt)
  @IsInt()
  @Min(20)
  AUTO_TRAIN_MIN_MATCHES = 100;

  /** RPS the challenger must be better by, and the scored matches both need, to auto-promote. */
  @Transform(toFloat)
  @IsNumber()
  @Min(0)
  @Max(0.1)
  AUTO_PROMOTE_MARGIN = 0.002;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTO_PROMOTE_MIN_MATCHES = 200;

  /** Share of callers (0..1, sticky per caller) served by the challenger when one exists. */
  @Transform(toFloat)
  @IsNumber()
  @Min(0)
  @Max(1)
  AB_CHALLENGER_SHARE = 0;

  /** How long a computed prediction is served from the cache (it is also dropped on changes). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86400)
  PREDICTION_CACHE_TTL_SECONDS = 600;

  /** Scored ledger entries in the champion's rolling RPS (drift). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  DRIFT_WINDOW = 200;

  /** Retrain a scope when its champion's rolling RPS exceeds the backtest RPS by this; 0 = never. */
  @Transform(toFloat)
  @IsNumber()
  @Min(0)
  DRIFT_RETRAIN_THRESHOLD = 0;
  /**
   * Live sources the collector polls, as a JSON array (see docs/COLLECTOR.md). Unset in
   * development with the virtual league on: the virtual league itself is the live source.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  COLLECTOR_SOURCES?: string;

  /** How long GET /v1/matches/live is served from the cache (a poll that changes matches clears it). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  LIVE_CACHE_SECONDS = 10;

  /** The built-in virtual league's feed (GET /v1/virtual-league/feed): auto = on in development only. */
  @IsIn(['auto', 'on', 'off'])
  VIRTUAL_LEAGUE: 'auto' | 'on' | 'off' = 'auto';

  @Transform(toInt)
  @IsInt()
  VIRTUAL_LEAGUE_SEED = 2026;

  /** First kick-off of the league's first season (ISO time); the same for every process. */
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'VIRTUAL_LEAGUE_EPOCH must be an ISO time such as 2026-01-01T00:00:00Z',
  })
  VIRTUAL_LEAGUE_EPOCH = '2026-01-01T00:00:00Z';

  /** Seconds between two kick-offs (fractions allowed, for tests). */
  @Transform(toFloat)
  @IsNumber()
  @Min(0.1)
  @Max(86400)
  VIRTUAL_LEAGUE_KICKOFF_INTERVAL_SECONDS = 240;

  /** Real seconds a simulated match lasts. */
  @Transform(toFloat)
  @IsNumber()
  @Min(0.1)
  @Max(86400)
  VIRTUAL_LEAGUE_MATCH_SECONDS = 300;

  /** A fixture and its opening odds appear this long before kick-off; prices move until then. */
  @Transform(toFloat)
  @IsNumber()
  @Min(0.1)
  @Max(604800)
  VIRTUAL_LEAGUE_PUBLISH_LEAD_SECONDS = 1800;

  /** A result stays in the feed this long after the final whistle. */
  @Transform(toFloat)
  @IsNumber()
  @Min(0)
  @Max(2592000)
  VIRTUAL_LEAGUE_RETENTION_SECONDS = 86400;

  /** Port of the stand-alone virtual league (`npm run virtual-league`). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  VIRTUAL_LEAGUE_PORT = 3100;
  /** Webhook receivers may use http:// (local development and tests); production needs https. */
  @IsIn(['true', 'false'])
  WEBHOOK_ALLOW_HTTP: 'true' | 'false' = 'false';

  /**
   * Networks (CIDR ranges or addresses, comma-separated) webhook receivers may resolve to even
   * though they are not public (loopback, private, ...): on-premises receivers, local tests.
   */
  @IsString()
  WEBHOOK_ALLOWED_NETWORKS = '';

  /** Longest wait for a receiver's answer (connect and response). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Attempts per delivery, the first included; retries back off exponentially. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  WEBHOOK_MAX_ATTEMPTS = 6;

  /** First retry delay; it doubles on each retry (30 s: retries span about 15 minutes). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600000)
  WEBHOOK_BACKOFF_MS = 30000;

  /** Consecutive failed deliveries (all attempts spent) after which a subscription is disabled. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_DISABLE_AFTER_FAILURES = 10;

  /** Finished deliveries older than this are deleted by a daily job; 0 = keep them all. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  WEBHOOK_DELIVERY_RETENTION_DAYS = 30;

  /**
   * Deliveries to one subscription sent at once (of the 10 each worker process sends in all), by
   * all replicas together when REDIS_URL is set: a receiver that never answers holds at most this
   * many, and the others keep being delivered.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION = 2;

  /** Subscriptions one account may have. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_MAX_PER_USER = 20;

  /** Serve GET /metrics on this port only (kept off the public listener); unset: on PORT. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** On SIGTERM, keep serving this long after readiness turns 503 (load balancers catch up). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  SHUTDOWN_DELAY_MS = 0;

  /** Longest wait, after the delay, for in-flight requests and running jobs before exiting. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  SHUTDOWN_TIMEOUT_MS = 25000;

  /** OTLP/HTTP collector (e.g. http://otel-collector:4318); unset: tracing is off. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsString()
  @MinLength(1)
  OTEL_SERVICE_NAME = 'oracxpred';
}

export class ConfigurationError extends Error {}

/** Variables whose values may hold credentials: named in errors, never echoed. */
const SECRET_VARIABLES = new Set([
  'JWT_SECRET',
  'JWT_PREVIOUS_KEYS',
  'ADMIN_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
]);

/** Validates raw variables (process.env) into an Environment, or throws naming each bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const problems = validateSync(env, { whitelist: false, forbidUnknownValues: false }).map(
    (error) =>
      `${error.property}: ${reasons(error.constraints).join('; ')} (got ${
        SECRET_VARIABLES.has(error.property)
          ? '[redacted]'
          : // the value as given (PORT=abc, not the NaN it converts to), else the default
            JSON.stringify(raw[error.property] ?? error.value)
      })`,
  );
  if (env.TRAINING_SCHEDULE) problems.push(...cronProblems(env.TRAINING_SCHEDULE));
  if ((env.ORACXPRED_ROLE === 'api' || env.ORACXPRED_ROLE === 'worker') && !env.REDIS_URL) {
    // Without Redis jobs live in one process memory: a separate api and worker cannot share them.
    problems.push(
      `ORACXPRED_ROLE: ${env.ORACXPRED_ROLE} needs REDIS_URL (roles share jobs through Redis)`,
    );
  }
  problems.push(...connectionUrlProblems(env));
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
    // Both listeners would bind the same port: the second would fail as if another process held it.
    problems.push(
      `METRICS_PORT: must differ from PORT (both ${env.PORT}); unset it to serve /metrics on PORT`,
    );
  }
  const production = env.NODE_ENV === Profile.Production;
  if (production) {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production');
    if (!env.REDIS_URL) problems.push('REDIS_URL: required in production');
    if (!isStrongSecret(env.JWT_SECRET)) {
      problems.push(
        'JWT_SECRET: production needs a secret of 32+ characters that is not a default',
      );
    }
  }
  problems.push(...previousKeyProblems(env, production));
  if (env.COLLECTOR_SOURCES) {
    const sources = parseCollectorSources(env.COLLECTOR_SOURCES);
    if (typeof sources[0] === 'string') {
      problems.push(...(sources as string[]).map((p) => `COLLECTOR_SOURCES: ${p}`));
    }
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL: set together with ADMIN_PASSWORD, or neither');
  }
  const plans = parseApiKeyPlans(env.API_KEY_PLANS);
  if (plans && !plans.has(env.API_KEY_DEFAULT_PLAN)) {
    problems.push(
      `API_KEY_DEFAULT_PLAN: must be one of the plans in API_KEY_PLANS (got "${env.API_KEY_DEFAULT_PLAN}")`,
    );
  }
  for (const name of LIST_SETTINGS) {
    const invalid = listProblem(name, env[name]);
    if (invalid) problems.push(invalid);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

/**
 * The failed constraints of one variable; a value that is no number at all is told just that
 * (PORT=abc is not "greater than 65535" and "less than 0" too, as its NaN also fails the bounds).
 */
function reasons(constraints: Record<string, string> = {}): string[] {
  const notANumber = constraints.isInt ?? constraints.isNumber;
  return notANumber ? [notANumber] : Object.values(constraints);
}

/**
 * TRAINING_SCHEDULE: 5 fields (minute first) or 6 (seconds first). cron-parser alone fills in
 * missing fields, so a cron with a field left out ("0 3 * *", "* * *") would run at times
 * nobody wrote.
 */
function cronProblems(cron: string): string[] {
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return [
      `TRAINING_SCHEDULE: a cron needs 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; got ${fields} in ${JSON.stringify(cron)}`,
    ];
  }
  try {
    parseExpression(cron, { utc: true });
    return [];
  } catch (error) {
    return [`TRAINING_SCHEDULE: not a cron expression (${(error as Error).message})`];
  }
}

/**
 * DATABASE_URL and REDIS_URL must be URLs of their kind: anything else (a bare host, a typo in
 * the scheme) would otherwise surface later as a driver error that names no variable, or as a
 * client retrying an unknown host for ever. Their values may hold passwords: never echoed.
 */
function connectionUrlProblems(env: Environment): string[] {
  const problems: string[] = [];
  const database = parseUrl(env.DATABASE_URL);
  if (
    database &&
    (!['postgres:', 'postgresql:'].includes(database.protocol) || database.pathname.length < 2)
  ) {
    problems.push(
      'DATABASE_URL: must be a postgres:// URL naming a database, like postgres://user:password@host:5432/oracxpred (value not shown)',
    );
  }
  const redis = parseUrl(env.REDIS_URL);
  if (redis && !['redis:', 'rediss:'].includes(redis.protocol)) {
    problems.push(
      'REDIS_URL: must be a redis:// or rediss:// URL, like redis://:password@host:6379 (value not shown)',
    );
  }
  return problems;
}

/** The URL, an unusable placeholder when it does not parse at all, or undefined when unset. */
function parseUrl(
  raw: string | undefined,
): URL | { protocol: string; pathname: string } | undefined {
  if (!raw) return undefined;
  return URL.canParse(raw) ? new URL(raw) : { protocol: '', pathname: '' };
}

function isStrongSecret(secret: string): boolean {
  return secret.length >= 32 && !KNOWN_DEFAULT_SECRETS.has(secret);
}

export interface PreviousSigningKey {
  kid: string;
  secret: string;
  retiredAt: Date;
}

/** JWT_PREVIOUS_KEYS parsed, or the reason it is invalid (the secrets never appear in the reason). */
export function parsePreviousKeys(raw: string | undefined): PreviousSigningKey[] | string {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'not valid JSON';
  }
  if (!Array.isArray(parsed)) return 'must be a JSON array of {kid, secret, retiredAt}';
  const keys: PreviousSigningKey[] = [];
  for (const [index, entry] of parsed.entries()) {
    const { kid, secret, retiredAt } = (entry ?? {}) as Record<string, unknown>;
    if (typeof kid !== 'string' || !KEY_ID_PATTERN.test(kid)) return `entry ${index}: bad kid`;
    if (typeof secret !== 'string' || secret.length < 16) {
      return `entry ${index} (${kid}): secret must have 16+ characters`;
    }
    const retired = typeof retiredAt === 'string' ? new Date(retiredAt) : undefined;
    if (!retired || Number.isNaN(retired.getTime())) {
      return `entry ${index} (${kid}): retiredAt must be an ISO date-time`;
    }
    keys.push({ kid, secret, retiredAt: retired });
  }
  return keys;
}

function previousKeyProblems(env: Environment, production: boolean): string[] {
  const keys = parsePreviousKeys(env.JWT_PREVIOUS_KEYS);
  if (typeof keys === 'string') return [`JWT_PREVIOUS_KEYS: ${keys}`];
  const problems: string[] = [];
  for (const key of keys) {
    if (key.kid === env.JWT_KEY_ID) {
      problems.push(`JWT_PREVIOUS_KEYS: kid "${key.kid}" is the current JWT_KEY_ID`);
    }
    if (production && !isStrongSecret(key.secret)) {
      problems.push(
        `JWT_PREVIOUS_KEYS: key "${key.kid}" needs a secret of 32+ characters that is not a default`,
      );
    }
  }
  return problems;
}

/** API_KEY_PLANS as plan name → requests per window (undefined when malformed). */
export function parseApiKeyPlans(raw: string): Map<string, number> | undefined {
  const plans = new Map<string, number>();
  for (const entry of raw.split(',')) {
    const [name, limit] = entry.trim().split(':');
    const value = Number(limit);
    if (!name || !Number.isInteger(value) || value < 1) return undefined;
    plans.set(name, value);
  }
  return plans;
}

/** Splits a comma-separated setting into its trimmed, non-empty entries. */
export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** Comma-separated settings: origins (CORS_ORIGINS) or addresses and CIDR ranges (the rest). */
const LIST_SETTINGS = [
  'CORS_ORIGINS',
  'TRUSTED_PROXIES',
  'WEBHOOK_ALLOWED_NETWORKS',
  'IMPORT_ALLOWED_NETWORKS',
] as const;

function listProblem(name: (typeof LIST_SETTINGS)[number], raw: string): string | undefined {
  const bad = splitList(raw).filter((entry) =>
    name === 'CORS_ORIGINS' ? !isOrigin(entry) : !isAddressOrRange(entry),
  );
  if (bad.length === 0) return undefined;
  const expected =
    name === 'CORS_ORIGINS'
      ? 'origins like https://app.example.org'
      : 'IP addresses or CIDR ranges like 10.0.0.0/8';
  return `${name}: expected ${expected} (got ${bad.map((b) => JSON.stringify(b)).join(', ')})`;
}

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return /^https?:$/.test(url.protocol) && url.origin === entry.replace(/\/$/, '');
  } catch {
    return false;
  }
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits >= 0 && bits <= (version === 4 ? 32 : 128);
}
