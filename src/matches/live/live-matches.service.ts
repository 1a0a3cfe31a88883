import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvents } from '../../common/events/domain-events';
import { AppConfig } from '../../config/app-config';
import { CacheStore } from '../../infrastructure/cache/cache-store';
import { nativeQuery } from '../../infrastructure/database/native-sql';
import { Match, MatchStatus } from '../entities';
import { MatchView } from '../read/match.dto';

const CACHE_KEY = 'live-matches';
const CACHE_FIELD = 'all';
/** More live matches than any feed has at once; a bound, not a page. */
const MAX_LIVE = 1000;
/**
 * Longer than any match lasts (extra time, penalties, a long stoppage included): a match still
 * "live" this long after kick-off is one its source stopped reporting, not one being played.
 */
export const LIVE_AT_MOST_HOURS = 4;

export interface OddsMovementView {
  market: string;
  bookmaker: string;
  source: string;
  prices: Record<string, number>;
  observedAt: string;
}

/**
 * Matches being played now, served from a short shared cache (every viewer polls this during
 * play); a collector poll that changes any match drops the cache at once.
 */
@Injectable()
export class LiveMatchesService {
  constructor(
    private readonly em: EntityManager,
    private readonly cache: CacheStore,
    private readonly config: AppConfig,
    events: DomainEvents,
  ) {
    events.on('match.updated', () => this.cache.delete([CACHE_KEY]));
  }

  async live(): Promise<MatchView[]> {
    const ttl = this.config.liveCacheSeconds;
    if (ttl > 0) {
      const cached = await this.cache.get(CACHE_KEY, CACHE_FIELD);
      if (cached) return JSON.parse(cached) as MatchView[];
    }
    const matches = await this.em.fork().find(
      Match,
      {
        status: MatchStatus.Live,
        kickoff: { $gt: new Date(Date.now() - LIVE_AT_MOST_HOURS * 3_600_000) },
      },
      {
        populate: ['competition', 'homeTeam', 'awayTeam'],
        orderBy: { kickoff: 'asc', id: 'asc' },
        limit: MAX_LIVE,
      },
    );
    const views = matches.map(MatchView.of);
    if (ttl > 0) await this.cache.set(CACHE_KEY, CACHE_FIELD, JSON.stringify(views), ttl);
    return views;
  }

  /** Every price change seen for a match, oldest first (undefined for an unknown match). */
  async movements(matchId: number): Promise<OddsMovementView[] | undefined> {
    if ((await this.em.fork().count(Match, { id: matchId })) === 0) return undefined;
    const rows = await nativeQuery<{
      market: string;
      bookmaker: string;
      source: string;
      prices: Record<string, number>;
      observed_at: Date | string;
    }>(
      this.em,
      `select market::text, bookmaker, source, prices, observed_at from odds_movements
       where match_id = $1 order by observed_at, id`,
      [matchId],
    );
    return rows.map((row) => ({
      market: row.market,
      bookmaker: row.bookmaker,
      source: row.source,
      prices: row.prices,
      observedAt: new Date(row.observed_at).toISOString(),
    }));
  }
}
