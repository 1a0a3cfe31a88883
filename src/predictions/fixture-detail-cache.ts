import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CacheStore } from '../infrastructure/cache/cache-store';
import type { FixtureDetail } from '../matches/read/match-data.service';

const GENERATION_KEY = 'fixture-detail-generation';
const GENERATION_FIELD = 'current';
const GENERATION_TTL_SECONDS = 7 * 86_400;
const DETAILS_PREFIX = 'fixture-detail:';
const DETAILS_TTL_SECONDS = 600;
/** Parsed details kept in this process (per generation); past it, the map starts again. */
const PARSED_MAX = 5_000;

/**
 * The inputs of a prediction (a match with its odds and both sides' form), kept between
 * computations so that recomputing a prediction (`Cache-Control: no-cache`, a new model version,
 * the other side of an A/B split) needs no database query: that query cost more CPU, in
 * PostgreSQL and in parsing its rows, than the prediction itself.
 *
 * Entries live under a generation, and any change to stored matches starts a new generation
 * (a match's form depends on other matches, so a change to one match can change many details).
 * With Redis the generation and the entries are shared, so a change made by a worker is seen at
 * once by every API replica; without Redis there is one process and its memory.
 */
@Injectable()
export class FixtureDetailCache {
  /**
   * The current generation's details already parsed here, so a recompute skips JSON.parse as
   * well (a tenth of its CPU). Read-only to callers; dropped when the generation moves on.
   */
  private parsed = { generation: '', details: new Map<number, FixtureDetail>() };

  constructor(private readonly store: CacheStore) {}

  async get(
    matchId: number,
    load: (matchId: number) => Promise<FixtureDetail | undefined>,
  ): Promise<FixtureDetail | undefined> {
    const generation = await this.generation();
    if (this.parsed.generation !== generation) this.parsed = { generation, details: new Map() };
    const known = this.parsed.details.get(matchId);
    if (known) return known;
    const key = DETAILS_PREFIX + generation;
    const cached = await this.store.get(key, String(matchId));
    if (cached !== undefined) return this.keep(generation, revive(cached));
    // Read after the generation: a change committed meanwhile starts a newer generation, so
    // what is stored below can only be served to readers of the generation it was read under.
    const detail = await load(matchId);
    if (!detail) return undefined;
    await this.store.set(key, String(matchId), JSON.stringify(detail), DETAILS_TTL_SECONDS);
    return this.keep(generation, detail);
  }

  private keep(generation: string, detail: FixtureDetail): FixtureDetail {
    if (this.parsed.generation !== generation) return detail;
    if (this.parsed.details.size >= PARSED_MAX) this.parsed.details.clear();
    this.parsed.details.set(detail.id, detail);
    return detail;
  }

  /** Every detail stored so far is out of date: stored matches changed. */
  async invalidate(): Promise<void> {
    await this.store.set(GENERATION_KEY, GENERATION_FIELD, randomUUID(), GENERATION_TTL_SECONDS);
  }

  private async generation(): Promise<string> {
    const current = await this.store.get(GENERATION_KEY, GENERATION_FIELD);
    if (current !== undefined) return current;
    const started = randomUUID();
    await this.store.set(GENERATION_KEY, GENERATION_FIELD, started, GENERATION_TTL_SECONDS);
    return started;
  }
}

function revive(json: string): FixtureDetail {
  const detail = JSON.parse(json) as FixtureDetail & { kickoff: string };
  return { ...detail, kickoff: new Date(detail.kickoff) };
}
