import {
  Global,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppConfig } from '../../config/app-config';
import { METRICS } from './metric-catalogue';
import { startMetricsServer } from './metrics-endpoint';
import { MetricsService } from './metrics.service';

/** The version in the nearest package.json (the repository's, or the image's /app/package.json). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** Build info, and the separate metrics listener when METRICS_PORT is set. */
@Injectable()
export class MetricsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Awaited<ReturnType<typeof startMetricsServer>>;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly httpAdapterHost: HttpAdapterHost,
  ) {
    metrics
      .gauge(METRICS.buildInfo)
      .set({ version: packageVersion(), role: config.role, node_version: process.version }, 1);
  }

  /** The port /metrics answers on: METRICS_PORT's listener, or undefined for the main one. */
  get port(): number | undefined {
    return this.server?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metricsPort;
    // Only a server has a listener to keep /metrics off: the CLI (an application context, no
    // HTTP adapter) runs beside the server with the same settings, whose process holds the port.
    if (port === undefined || !this.httpAdapterHost.httpAdapter) return;
    this.server = await startMetricsServer(this.metrics, this.config.host, port);
    this.logger.log(`metrics on http://${this.config.host}:${this.server.port}/metrics`);
  }

  /** Last to close: Prometheus can still scrape while the process drains. */
  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

@Global()
@Module({
  providers: [MetricsService, MetricsLifecycle],
  exports: [MetricsService],
})
export class MetricsModule {}
