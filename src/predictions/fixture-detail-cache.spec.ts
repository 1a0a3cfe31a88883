import { MemoryCacheStore } from '../infrastructure/cache/memory-cache-store';
import type { FixtureDetail } from '../matches/read/match-data.service';
import { FixtureDetailCache } from './fixture-detail-cache';

const detail = (id: number, homeGoals: number | null = null): FixtureDetail => ({
  id,
  kickoff: new Date('2026-11-22T15:00:00.000Z'),
  season: '2026-2027',
  status: 'scheduled',
  neutral: false,
  homeGoals,
  awayGoals: null,
  competition: { code: 'england/premier-league', name: 'Premier League' },
  homeTeam: { id: 1, name: 'Home' },
  awayTeam: { id: 2, name: 'Away' },
  odds: [
    {
      market: '1x2',
      phase: 'opening',
      bookmaker: 'market-average',
      prices: { home: 2.1, draw: 3.4, away: 3.6 },
      capturedAt: '2026-11-20T10:00:00.000Z',
    },
  ],
  form: { home: [], away: [] },
  dataVersion: 'v1',
});

describe('FixtureDetailCache', () => {
  it('loads a detail once and serves it again as it was, kick-off a Date', async () => {
    const cache = new FixtureDetailCache(new MemoryCacheStore());
    const loads: number[] = [];
    const load = async (id: number) => {
      loads.push(id);
      return detail(id);
    };
    const first = await cache.get(7, load);
    const second = await cache.get(7, load);
    expect(loads).toEqual([7]);
    expect(second).toEqual(first);
    expect(second?.kickoff).toBeInstanceOf(Date);
    expect(second?.kickoff.toISOString()).toBe('2026-11-22T15:00:00.000Z');
  });

  it('shares stored details with other processes, revived with kick-off a Date', async () => {
    const store = new MemoryCacheStore();
    await new FixtureDetailCache(store).get(7, async (id) => detail(id));
    const loads: number[] = [];
    const shared = await new FixtureDetailCache(store).get(7, async (id) => {
      loads.push(id);
      return detail(id);
    });
    expect(loads).toEqual([]);
    expect(shared).toEqual(detail(7));
    expect(shared?.kickoff).toBeInstanceOf(Date);
  });

  it('reads every detail again after an invalidation (any stored match changed)', async () => {
    const store = new MemoryCacheStore();
    const cache = new FixtureDetailCache(store);
    let version = 0;
    const load = async (id: number) => detail(id, version);
    await cache.get(1, load);
    await cache.get(2, load);
    version = 3;
    // Another process (a worker, with a shared store) announces the change.
    await new FixtureDetailCache(store).invalidate();
    expect((await cache.get(1, load))?.homeGoals).toBe(3);
    expect((await cache.get(2, load))?.homeGoals).toBe(3);
  });

  it('remembers nothing for a match that does not exist', async () => {
    const cache = new FixtureDetailCache(new MemoryCacheStore());
    let loads = 0;
    const load = async () => {
      loads++;
      return undefined;
    };
    expect(await cache.get(9, load)).toBeUndefined();
    expect(await cache.get(9, load)).toBeUndefined();
    expect(loads).toBe(2);
  });
});
