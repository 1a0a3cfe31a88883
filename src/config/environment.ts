import { plainToInstance, Transform } from 'class-transformer';
import {
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
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

const emptyToUndefined = ({ value }: { value: unknown }) =>
  value === '' || value === null ? undefined : value;
const toInt = ({ value }: { value: unknown }) =>
  value === '' || value === undefined ? undefined : Number(value);

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

  @IsString()
  HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsString()
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
const SECRET_VARIABLES = new Set(['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL']);

/** Validates raw variables (process.env) into an Environment, or throws naming each bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const problems = validateSync(env, { whitelist: false, forbidUnknownValues: false }).map(
    (error) =>
      `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')} (got ${
        SECRET_VARIABLES.has(error.property)
          ? '[redacted]'
          : // the value as given (PORT=abc, not the NaN it converts to), else the default
            JSON.stringify(raw[error.property] ?? error.value)
      })`,
  );
  if ((env.ORACXPRED_ROLE === 'api' || env.ORACXPRED_ROLE === 'worker') && !env.REDIS_URL) {
    // Without Redis jobs live in one process's memory: a separate api and worker cannot share them.
    problems.push(
      `ORACXPRED_ROLE: ${env.ORACXPRED_ROLE} needs REDIS_URL (roles share jobs through Redis)`,
    );
  }
  if (env.NODE_ENV === Profile.Production) {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production');
    if (!env.REDIS_URL) problems.push('REDIS_URL: required in production');
    if (KNOWN_DEFAULT_SECRETS.has(env.JWT_SECRET) || env.JWT_SECRET.length < 32) {
      problems.push(
        'JWT_SECRET: production needs a secret of 32+ characters that is not a default',
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}
