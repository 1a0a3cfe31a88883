import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness.registry';

/** /health/live, /health/ready and /health; modules add their checks to ReadinessRegistry. */
@Global()
@Module({
  // Terminus would log every failed probe with its stack (a probe every few seconds through an
  // outage): HealthController logs the changes of readiness instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessRegistry],
  exports: [ReadinessRegistry],
})
export class HealthModule {}
