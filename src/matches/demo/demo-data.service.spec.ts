import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvents } from '../../common/events/domain-events';
import type { AppConfig } from '../../config/app-config';
import type { IngestionService } from '../imports/ingestion.service';
import { DemoDataService } from './demo-data.service';

describe('DemoDataService', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oracx-demo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function service(matchesStored: number) {
    const report = { counts: { matchesInserted: 1, rowsRejected: 0 } };
    const ingestion = {
      importContent: jest.fn().mockResolvedValue(report),
      importParsed: jest.fn().mockResolvedValue(report),
    };
    const events = { emit: jest.fn().mockResolvedValue(undefined) };
    const em = { fork: () => ({ count: jest.fn().mockResolvedValue(matchesStored) }) };
    const demo = new DemoDataService(
      em as unknown as EntityManager,
      ingestion as unknown as IngestionService,
      { sharedDataDir: dir } as AppConfig,
      events as unknown as DomainEvents,
    );
    return { demo, ingestion, events };
  }

  it('imports the real files history first, announcing none of them, then demo.loaded once', async () => {
    for (const [folder, name] of [
      ['history', 'b.csv'],
      ['history', 'a.csv'],
      ['football-data-co-uk', 'E0.csv'],
    ]) {
      mkdirSync(path.join(dir, 'football', folder), { recursive: true });
      writeFileSync(path.join(dir, 'football', folder, name), `${name}\n`);
    }
    const { demo, ingestion, events } = service(0);
    await expect(demo.loadIntoEmptyDatabase()).resolves.toBe(true);
    expect(
      ingestion.importContent.mock.calls.map(([content, options]) => [String(content), options]),
    ).toEqual([
      ['a.csv\n', { announce: false }],
      ['b.csv\n', { announce: false }],
      ['E0.csv\n', { announce: false }],
    ]);
    expect(events.emit.mock.calls.map(([event]) => event)).toEqual(['demo.loaded']);
  });

  it('loads a generated league, unannounced too, when there is no real data', async () => {
    const { demo, ingestion, events } = service(0);
    await demo.loadIntoEmptyDatabase();
    expect(ingestion.importParsed).toHaveBeenCalledTimes(1);
    expect(ingestion.importParsed.mock.calls[0][1]).toEqual({ announce: false });
    expect(events.emit).toHaveBeenCalledTimes(1);
  });

  it('loads nothing into a database that has matches', async () => {
    const { demo, ingestion, events } = service(5);
    await expect(demo.loadIntoEmptyDatabase()).resolves.toBe(false);
    expect(ingestion.importContent).not.toHaveBeenCalled();
    expect(ingestion.importParsed).not.toHaveBeenCalled();
    expect(events.emit).not.toHaveBeenCalled();
  });
});
