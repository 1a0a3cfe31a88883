import { createApp } from './bootstrap';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen({ port: config.port, host: config.host });
  app
    .get(Logger)
    .log(`OracXPred listening on http://${config.host}:${config.port} (docs at /docs)`);
}

main().catch((error: unknown) => {
  // The logger may not exist yet (configuration errors): print plainly and exit non-zero.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
