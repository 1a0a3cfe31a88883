import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MikroORM } from '@mikro-orm/postgresql';
import { ApiProblems } from '../../common/problem/api-problems.decorator';
import { PublicRoute } from '../../common/auth/access.decorators';
import { JobQueue } from '../queue/job-queue';

@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly orm: MikroORM,
    private readonly queue: JobQueue,
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
    summary: 'Readiness: PostgreSQL, and the job queue (Bull on Redis when configured)',
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
  ready() {
    return this.health.check([() => this.database(), () => this.jobQueue()]);
  }

  private async database() {
    const check = this.indicators.check('database');
    try {
      await this.orm.em.getConnection().execute('select 1');
      return check.up();
    } catch (error) {
      return check.down({ message: describe(error) });
    }
  }

  private async jobQueue() {
    const check = this.indicators.check('queue');
    try {
      await withTimeout(this.queue.ping(), 2000);
      return check.up({ backend: this.queue.backend });
    } catch (error) {
      return check.down({ backend: this.queue.backend, message: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);
}
