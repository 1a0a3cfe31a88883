import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { AppConfig } from '../../config/app-config';
import { AdminRoute } from '../../matches/admin-route.decorator';
import { type CheckOutcome, ReadinessRegistry } from './readiness.registry';
import { PublicRoute } from '../../common/auth/access.decorators';
import { NoRateLimit } from '../../common/auth/rate-limit.decorators';

@ApiTags('health')
@PublicRoute()
@NoRateLimit()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Readiness');
  /** The checks down at the last probe ('' when ready), so only a change is logged. */
  private lastDown = '';

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (never checks dependencies)' })
  @ApiResponse({ status: 200, schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  // Terminus' own documentation would describe its plain-JSON 503; the filter sends problem+json.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: every registered check (PostgreSQL, Redis, the job queue, ...); 503 from the moment shutdown begins',
  })
  @ApiResponse({
    status: 200,
    description: 'Every dependency is up',
    schema: {
      example: {
        status: 'ok',
        info: { database: { status: 'up' }, queue: { status: 'up', backend: 'bull' } },
        error: {},
        details: { database: { status: 'up' }, queue: { status: 'up', backend: 'bull' } },
      },
    },
  })
  @ApiProblems(503)
  async ready() {
    if (this.registry.shuttingDownSince) {
      throw new ServiceUnavailableException({
        status: 'error',
        details: { shutdown: { status: 'down', message: 'the process is shutting down' } },
      });
    }
    const outcomes = await this.registry.runAll();
    this.logChange(outcomes);
    return this.health.check(
      outcomes.map((outcome) => async () => {
        const check = this.indicators.check(outcome.name);
        return outcome.status === 'up' ? check.up(outcome.details) : check.down(outcome.details);
      }),
    );
  }

  /**
   * One line when readiness changes (which checks went down, or that all are up again), not one
   * per probe: Kubernetes probes every few seconds, and an outage would flood the log.
   */
  private logChange(outcomes: CheckOutcome[]): void {
    const down = outcomes.filter((outcome) => outcome.status !== 'up');
    const key = down.map((outcome) => outcome.name).join(',');
    if (key === this.lastDown) return;
    const wasDown = this.lastDown;
    this.lastDown = key;
    if (down.length === 0) {
      this.logger.log({ recovered: wasDown.split(',') }, 'ready again');
      return;
    }
    const checks = Object.fromEntries(down.map(({ name, details }) => [name, details]));
    this.logger.warn({ down: checks }, 'not ready');
  }

  @Get()
  @AdminRoute()
  @ApiOperation({
    summary: 'Detail of every check (admins): timings, details, role, version, shutdown state',
    description: 'Always 200 while the process answers; `status` says whether it is ready.',
  })
  async detail() {
    const outcomes = await this.registry.runAll();
    const shuttingDownSince = this.registry.shuttingDownSince;
    const ready = !shuttingDownSince && outcomes.every((outcome) => outcome.status === 'up');
    return {
      status: shuttingDownSince ? 'shutting-down' : ready ? 'ready' : 'not-ready',
      role: this.config.role,
      uptimeSeconds: Math.round(process.uptime()),
      shuttingDownSince: shuttingDownSince?.toISOString() ?? null,
      checks: Object.fromEntries(
        outcomes.map(({ name, status, durationMs, details }) => [
          name,
          { status, durationMs, ...details },
        ]),
      ),
    };
  }
}
