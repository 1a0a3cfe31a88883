import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CacheStore } from '../infrastructure/cache/cache-store';
import { AppConfig } from '../config/app-config';
import { METRICS } from '../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../infrastructure/metrics/metrics.service';
import { EncodedJsonMemo } from './encoded-json-memo';

/**
 * v3: the (weak) entity tag is stored in front of the JSON (entries of older layouts are
 * ignored).
 */
const PREFIX = 'prediction:v3:';

/** A serialised prediction and its entity tag (RFC 9110 ETag), cached together. */
export interface CachedPrediction {
  json: string;
  etag: string;
  /** The JSON's UTF-8 bytes, when read from the cache (sent as they are). */
  bytes?: Buffer;
}

/** Hot entries whose bytes are kept: a few weekends of fixtures, by champion and challenger. */
const ENCODED_ENTRIES = 512;

/** `W/"` + 22 base64url characters of a SHA-256 + `"`: fixed length, so it slices off. */
const ETAG_LENGTH = 26;
/** A frozen prediction's entry is keyed apart from the computed one of the same version. */
const FROZEN = 'frozen:';
/** An ISO 8601 instant as toISOString() writes it (years 0-9999): fixed length too. */
const INSTANT_LENGTH = 24;

/** A ledger entry's prediction as served after kick-off, and when it was frozen. */
export interface CachedFrozenPrediction extends CachedPrediction {
  frozenAt: string;
}

const COMPUTED_AT_KEY = '"computedAt":"';

/**
 * A prediction's entity tag: weak (RFC 9110 8.8.1), of its JSON but when it was computed, so a
 * recomputation that predicts the same (the cache's TTL ran out, `Cache-Control: no-cache`)
 * keeps the tag and a polling client keeps getting 304. The key is found in the text (JSON
 * escapes every quote inside a string, so it cannot occur in a team's name): no second
 * serialisation.
 */
export function entityTag(json: string): string {
  const hash = createHash('sha256');
  const key = json.indexOf(COMPUTED_AT_KEY);
  if (key < 0) hash.update(json);
  else {
    const valueEnd = json.indexOf('"', key + COMPUTED_AT_KEY.length) + 1;
    hash.update(json.slice(0, key)).update(json.slice(valueEnd));
  }
  return `W/"${hash.digest('base64url').slice(0, ETAG_LENGTH - 4)}"`;
}

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
  private readonly encoded = new EncodedJsonMemo(ENCODED_ENTRIES);

  constructor(
    private readonly store: CacheStore,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    const requests = metrics.counter(METRICS.cacheRequests);
    this.hitCounter = requests.labels({ cache: 'predictions', result: 'hit' });
    this.missCounter = requests.labels({ cache: 'predictions', result: 'miss' });
  }

  async get(matchId: number, versionId: string): Promise<CachedPrediction | undefined> {
    const value = await this.store.get(PREFIX + matchId, versionId);
    if (value === undefined) return undefined;
    return {
      etag: value.slice(0, ETAG_LENGTH),
      json: value.slice(ETAG_LENGTH),
      bytes: this.encoded.bytesOf(`${matchId}:${versionId}`, value, ETAG_LENGTH),
    };
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

  async set(matchId: number, versionId: string, prediction: CachedPrediction): Promise<void> {
    const ttl = this.config.predictionCacheTtlSeconds;
    if (ttl > 0)
      await this.store.set(PREFIX + matchId, versionId, prediction.etag + prediction.json, ttl);
  }

  async getFrozen(matchId: number, versionId: string): Promise<CachedFrozenPrediction | undefined> {
    const value = await this.store.get(PREFIX + matchId, FROZEN + versionId);
    if (value === undefined) return undefined;
    const jsonStart = ETAG_LENGTH + INSTANT_LENGTH;
    return {
      etag: value.slice(0, ETAG_LENGTH),
      frozenAt: value.slice(ETAG_LENGTH, jsonStart),
      json: value.slice(jsonStart),
    };
  }

  async setFrozen(
    matchId: number,
    versionId: string,
    prediction: CachedFrozenPrediction,
  ): Promise<void> {
    const ttl = this.config.predictionCacheTtlSeconds;
    if (ttl > 0 && prediction.frozenAt.length === INSTANT_LENGTH) {
      const value = prediction.etag + prediction.frozenAt + prediction.json;
      await this.store.set(PREFIX + matchId, FROZEN + versionId, value, ttl);
    }
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
