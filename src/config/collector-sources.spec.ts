import { ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';
import { parseCollectorSources, SOURCE_DEFAULTS } from './collector-sources';
import { validateEnvironment } from './environment';

const appConfig = (raw: Record<string, string>) =>
  new AppConfig(new ConfigService({ ...validateEnvironment(raw) }) as never);

describe('COLLECTOR_SOURCES', () => {
  it('fills the defaults of a minimal source', () => {
    expect(
      parseCollectorSources(
        JSON.stringify([
          { id: 'fd', provider: 'football-data-co-uk', url: 'https://x.test/E0.csv' },
        ]),
      ),
    ).toEqual([
      {
        ...SOURCE_DEFAULTS,
        id: 'fd',
        provider: 'football-data-co-uk',
        url: 'https://x.test/E0.csv',
      },
    ]);
  });

  it('names each bad source and field', () => {
    const problems = parseCollectorSources(
      JSON.stringify([
        { id: 'Bad Id', provider: 'rss', url: 'ftp://x' },
        { id: 'a', provider: 'json', url: 'https://x.test', intervalSeconds: 0 },
        {
          id: 'b',
          provider: 'virtual-league',
          url: 'https://x.test',
          fixturesUrl: 'https://y.test',
        },
        {
          id: 'c',
          provider: 'football-data-co-uk',
          url: 'https://x.test',
          breaker: { failureThreshold: 0 },
        },
        { id: 'c', provider: 'football-data-co-uk', url: 'https://x.test' },
      ]),
    ) as string[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Bad Id\.id: /),
        expect.stringMatching(/^Bad Id\.provider: must be one of/),
        expect.stringMatching(/^Bad Id\.url: must be an http\(s\) URL/),
        expect.stringMatching(/^a\.intervalSeconds: /),
        expect.stringMatching(/^a\.mapping: required for the json provider/),
        expect.stringMatching(/^a\.competition\.code: /),
        expect.stringMatching(/^b\.fixturesUrl: only for the football-data-co-uk provider/),
        expect.stringMatching(/^c\.breaker\.failureThreshold: /),
      ]),
    );
    expect(
      parseCollectorSources(
        '[{"id":"c","provider":"virtual-league","url":"http://a.test"},' +
          '{"id":"c","provider":"virtual-league","url":"http://a.test"}]',
      ),
    ).toEqual(['c: id used twice']);
    expect(parseCollectorSources('{')).toEqual([expect.stringMatching(/^not JSON/)]);
    expect(parseCollectorSources('{}')).toEqual(['must be a JSON array of sources']);
  });

  it('stops the start on a bad COLLECTOR_SOURCES, naming the variable', () => {
    expect(() => validateEnvironment({ COLLECTOR_SOURCES: '[{"id":"x"}]' })).toThrow(
      /COLLECTOR_SOURCES: x\.provider/,
    );
  });
});

describe('the default live source', () => {
  it('is the virtual league of this process in development when nothing is configured', () => {
    const config = appConfig({ PORT: '4123' });
    expect(config.virtualLeagueEnabled).toBe(true);
    expect(config.collectorSources).toEqual([
      expect.objectContaining({
        id: 'virtual-league',
        provider: 'virtual-league',
        url: 'http://127.0.0.1:4123/v1/virtual-league/feed',
        intervalSeconds: 60,
      }),
    ]);
  });

  it('is never silently on in production or tests, nor when sources are configured', () => {
    const production = appConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://a@b/c',
      REDIS_URL: 'redis://r',
      JWT_SECRET: 'k3J9x!vQ2m#Lr8Zp0wY5tE7uB4nC6aD1',
    });
    expect(production.virtualLeagueEnabled).toBe(false);
    expect(production.collectorSources).toEqual([]);
    expect(appConfig({ NODE_ENV: 'test' }).collectorSources).toEqual([]);
    expect(appConfig({ VIRTUAL_LEAGUE: 'off' }).collectorSources).toEqual([]);
    const configured = appConfig({
      COLLECTOR_SOURCES:
        '[{"id":"fd","provider":"football-data-co-uk","url":"https://x.test/a.csv"}]',
    });
    expect(configured.collectorSources.map((s) => s.id)).toEqual(['fd']);
  });
});
