import { VirtualLeague, VirtualLeagueSettings, VirtualMatchView } from './virtual-league';

const EPOCH = Date.UTC(2026, 0, 1, 12, 0, 0);
const fast: VirtualLeagueSettings = {
  seed: 7,
  epoch: EPOCH,
  kickoffIntervalMs: 2_000,
  matchDurationMs: 6_000,
  publishLeadMs: 8_000,
  retentionMs: 60_000,
};

/** Every view of one match id, one per 100 ms, from before publication to after retention. */
function lifeOf(league: VirtualLeague, id: string, from: number, to: number): VirtualMatchView[] {
  const views: VirtualMatchView[] = [];
  for (let t = from; t <= to; t += 100) {
    const view = league.feed(t).matches.find((m) => m.id === id);
    if (view) views.push(view);
  }
  return views;
}

describe('VirtualLeague', () => {
  it('gives the same feed for the same seed and clock, another for another seed', () => {
    const at = EPOCH + 30_000;
    expect(new VirtualLeague(fast).feed(at)).toEqual(new VirtualLeague(fast).feed(at));
    const other = new VirtualLeague({ ...fast, seed: 8 }).feed(at);
    expect(other.matches.map((m) => [m.home, m.away])).not.toEqual(
      new VirtualLeague(fast).feed(at).matches.map((m) => [m.home, m.away]),
    );
  });

  it('publishes a fixture, moves its odds, plays it live and reports the result', () => {
    const league = new VirtualLeague(fast);
    const id = league.feed(EPOCH).matches[0].id;
    const views = lifeOf(league, id, EPOCH - 20_000, EPOCH + 80_000);
    const statuses = views.map((v) => v.status).filter((s, i, all) => s !== all[i - 1]);
    expect(['scheduled,live,finished', 'scheduled,postponed', 'scheduled,cancelled']).toContain(
      statuses.join(','),
    );
    // Published publishLeadMs before kick-off, gone retentionMs after the final whistle.
    expect(views).toHaveLength((8_000 + 6_000 + 60_000) / 100);
    const scheduled = views.filter((v) => v.status === 'scheduled');
    const prices = new Set(scheduled.map((v) => JSON.stringify(v.odds)));
    expect(prices.size).toBeGreaterThan(1);
    for (const v of scheduled) {
      const book = Object.values(v.odds!['1x2']).reduce((s, p) => s + 1 / p, 0);
      expect(book).toBeGreaterThan(1);
      expect(v.score).toBeNull();
    }
    const live = views.filter((v) => v.status === 'live');
    for (let i = 1; i < live.length; i++) {
      expect(live[i].minute!).toBeGreaterThanOrEqual(live[i - 1].minute!);
      expect(live[i].score!.home).toBeGreaterThanOrEqual(live[i - 1].score!.home);
      expect(live[i].score!.away).toBeGreaterThanOrEqual(live[i - 1].score!.away);
      expect(live[i].odds).toBeNull();
    }
    const finished = views.filter((v) => v.status === 'finished');
    if (live.length > 0) {
      expect(finished.length).toBeGreaterThan(0);
      expect(new Set(finished.map((v) => JSON.stringify(v.score))).size).toBe(1);
      expect(finished[0].score!.halfTimeHome).not.toBeNull();
    }
  });

  it('kicks off one match per interval and plays a double round-robin per season', () => {
    const league = new VirtualLeague({ ...fast, teams: 6, retentionMs: 10 * 86_400_000 });
    const feed = league.feed(EPOCH + 29 * 2_000 + 1);
    const firstSeason = feed.matches.filter((m) => m.season === 'virtual-1');
    expect(firstSeason).toHaveLength(30);
    expect(new Set(firstSeason.map((m) => `${m.home}-${m.away}`)).size).toBe(30);
    const kickoffs = firstSeason.map((m) => Date.parse(m.kickoff) - EPOCH);
    expect(kickoffs).toEqual(Array.from({ length: 30 }, (_, i) => i * 2_000));
    expect(firstSeason.filter((m) => m.round === 1)).toHaveLength(3);
  });

  it('never plays the same home/away pair twice on one UTC day, however fast it runs', () => {
    const league = new VirtualLeague({ ...fast, teams: 6, retentionMs: 0 });
    expect(league.seasonLengthMs).toBeGreaterThanOrEqual(86_400_000);
    const seen = new Map<string, string>();
    // Three seasons, sampled at every kick-off.
    for (let season = 0; season < 3; season++) {
      for (let index = 0; index < 30; index++) {
        const at = EPOCH + season * league.seasonLengthMs + index * 2_000;
        const view = league.view(season, index, at)!;
        const key = `${view.home}|${view.away}|${view.kickoff.slice(0, 10)}`;
        expect(seen.get(key)).toBeUndefined();
        seen.set(key, view.id);
      }
    }
    expect(seen.size).toBe(90);
  });

  it('shows nothing before its first season and refuses impossible settings', () => {
    expect(new VirtualLeague(fast).feed(EPOCH - 60_000).matches).toEqual([]);
    expect(() => new VirtualLeague({ ...fast, teams: 5 })).toThrow(RangeError);
    expect(() => new VirtualLeague({ ...fast, kickoffIntervalMs: 0 })).toThrow(RangeError);
  });
});
