// First: tracing must patch http, pg and ioredis before anything loads them.
import './infrastructure/tracing/preload';
import { createApp } from './bootstrap';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { FirstAdmin } from './auth/users/first-admin';
import { exitGracefullyOnSignals } from './infrastructure/lifecycle/graceful-shutdown';
import { describeStartupFailure } from './infrastructure/lifecycle/startup-failure';
import { ensurePortsFree } from './infrastructure/lifecycle/port-check';
import { validateEnvironment } from './config/environment';
import { withEnvFiles } from './config/env-files';

async function main(): Promise<void> {
  const settings = validateEnvironment(withEnvFiles());
  await ensurePortsFree(settings.HOST, [settings.PORT, settings.METRICS_PORT]);
  const app = await createApp();
  const config = app.get(AppConfig);
  exitGracefullyOnSignals(app);
  await app.listen({ port: config.port, host: config.host });
  app
    .get(Logger)
    .log(
      `OracXPred (${config.role}) listening on http://${config.host}:${config.port}` +
        (config.servesApi ? ' (docs at /docs)' : ' (health and metrics only)'),
    );
  if (config.servesApi) await app.get(FirstAdmin).remindIfNoAdmin();
}

main().catch((error: unknown) => {
  // The logger may not exist yet (configuration errors): print plainly and exit non-zero.
  process.stderr.write(`${describeStartupFailure(error)}\n`);
  process.exit(1);
});
