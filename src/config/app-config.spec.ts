import { Test } from '@nestjs/testing';
import { AppConfig } from './app-config';
import { AppConfigModule } from './config.module';

describe('AppConfig read through the configuration module', () => {
  const saved = process.env.METRICS_PORT;
  afterEach(() => {
    if (saved === undefined) delete process.env.METRICS_PORT;
    else process.env.METRICS_PORT = saved;
  });

  it('reads METRICS_PORT set but empty as unset, not as the raw empty string', async () => {
    process.env.METRICS_PORT = '';
    const moduleRef = await Test.createTestingModule({ imports: [AppConfigModule] }).compile();
    expect(moduleRef.get(AppConfig).metricsPort).toBeUndefined();
    await moduleRef.close();
  });
});
