import { Injectable } from '@nestjs/common';
import { CacheStore } from '../infrastructure/cache/cache-store';
import { AppConfig } from '../config/app-config';
import { METRICS } from '../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../infrastructure/metrics/metrics.service';

const PREFIX = 'prediction:';

/**
 * Serialised predictions keyed by match, then model version; the entry is dropped when the
 * match's data changes and everything is dropped on a promotion, so the data version is implied
 * by the key's presence. Counts hits and misses for the hit ratio (see record()).
 */
@Injectable()
export class PredictionCache {
  private hits = 0;
  private misses = 0;
  private readonly hitCounter;
  private readonly missCounter;

  constructor(
    private readonly store: CacheStore,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    const requests = metrics.counter(METRICS.cacheRequests);
    this.hitCounter = requests.labels({ cache: 'predictions', result: 'hit' });
    this.missCounter = requests.labels({ cache: 'predictions', result: 'miss' });
  }

  get(matchId: number, versionId: string): Promise<string | undefined> {
    return this.store.get(PREFIX + matchId, versionId);
  }

  /**
   * Counts a hit (a prediction served from here) or a miss (one computed because it was not
   * here; a Cache-Control: no-cache recomputation is neither). Lookups are not counted, since
   * the route's fast path and the service may look up the same request.
   */
  record(result: 'hit' | 'miss'): void {
    if (result === 'hit') {
      this.hits++;
      this.hitCounter.inc();
    } else {
      this.misses++;
      this.missCounter.inc();
    }
  }

  async set(matchId: number, versionId: string, json: string): Promise<void> {
    const ttl = this.config.predictionCacheTtlSeconds;
    if (ttl > 0) await this.store.set(PREFIX + matchId, versionId, json, ttl);
  }

  async invalidateMatches(matchIds: number[]): Promise<void> {
    await this.store.delete(matchIds.map((id) => PREFIX + id));
  }

  async invalidateAll(): Promise<void> {
    await this.store.clear(PREFIX);
  }

  stats(): { backend: string; hits: number; misses: number; hitRatio: number | null } {
    const total = this.hits + this.misses;
    return {
      backend: this.store.backend,
      hits: this.hits,
      misses: this.misses,
      hitRatio: total > 0 ? this.hits / total : null,
    };
  }
}
