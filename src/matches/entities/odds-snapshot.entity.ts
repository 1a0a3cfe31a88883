import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Opt, PrimaryKeyProp } from '@mikro-orm/core';
import { Match } from './match.entity';

export enum OddsMarket {
  OneXTwo = '1x2',
  OverUnder25 = 'ou25',
  BothTeamsToScore = 'btts',
}

export enum OddsPhase {
  Opening = 'opening',
  Closing = 'closing',
}

/** Decimal prices of one market from one bookmaker (or the market average) at one phase, as one source reported them. */
@Entity({ tableName: 'odds_snapshots' })
export class OddsSnapshot {
  // The natural key is the primary key: no surrogate id, one index less to maintain on bulk loads.
  [PrimaryKeyProp]?: ['match', 'market', 'phase', 'bookmaker', 'source'];

  @ManyToOne(() => Match, { deleteRule: 'cascade', primary: true })
  match!: Match;

  @Enum({ items: () => OddsMarket, nativeEnumName: 'odds_market', primary: true })
  market!: OddsMarket;

  @Enum({ items: () => OddsPhase, nativeEnumName: 'odds_phase', primary: true })
  phase!: OddsPhase;

  /** Bookmaker code ("pinnacle") or an aggregate ("market-average"). */
  @PrimaryKey({ type: 'text' })
  bookmaker!: string;

  /** Outcome → decimal price: {home, draw, away}, {over, under} or {yes, no}. */
  @Property({ type: 'json' })
  prices!: Record<string, number>;

  @PrimaryKey({ type: 'text' })
  source!: string;

  @Property({ type: 'datetime' })
  capturedAt: Date & Opt = new Date();
}

/**
 * Every price a live source showed before kick-off, appended only when it changed since the last
 * one seen (same match, market, bookmaker, source): the odds' movement, queryable over time.
 */
@Entity({ tableName: 'odds_movements' })
@Index({
  name: 'odds_movements_key_time_idx',
  properties: ['match', 'market', 'bookmaker', 'source', 'observedAt'],
})
export class OddsMovement {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @ManyToOne(() => Match, { deleteRule: 'cascade' })
  match!: Match;

  @Enum({ items: () => OddsMarket, nativeEnumName: 'odds_market' })
  market!: OddsMarket;

  @Property({ type: 'text' })
  bookmaker!: string;

  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'json' })
  prices!: Record<string, number>;

  @Property({ type: 'datetime' })
  observedAt!: Date;
}
