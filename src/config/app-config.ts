import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import path from 'node:path';
import { Environment, Profile, ServiceRole } from './environment';

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
  /** True when this process answers the public API (roles api and all). */
  get servesApi(): boolean {
    return this.role !== 'worker';
  }
  /** True when this process runs queued and scheduled jobs (roles worker and all). */
  get runsJobs(): boolean {
    return this.role !== 'api';
  }
  get metricsPort(): number | undefined {
    return this.get('METRICS_PORT');
  }
  get shutdown(): { delayMs: number; timeoutMs: number } {
    return { delayMs: this.get('SHUTDOWN_DELAY_MS'), timeoutMs: this.get('SHUTDOWN_TIMEOUT_MS') };
  }
}
