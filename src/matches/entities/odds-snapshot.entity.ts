import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';
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
@Unique({
  name: 'odds_snapshots_unique',
  properties: ['match', 'market', 'phase', 'bookmaker', 'source'],
})
export class OddsSnapshot {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Match, { deleteRule: 'cascade' })
  match!: Match;

  @Enum({ items: () => OddsMarket, nativeEnumName: 'odds_market' })
  market!: OddsMarket;

  @Enum({ items: () => OddsPhase, nativeEnumName: 'odds_phase' })
  phase!: OddsPhase;

  /** Bookmaker code ("pinnacle") or an aggregate ("market-average"). */
  @Property()
  bookmaker!: string;

  /** Outcome → decimal price: {home, draw, away}, {over, under} or {yes, no}. */
  @Property({ type: 'json' })
  prices!: Record<string, number>;

  @Property()
  source!: string;

  @Property({ type: 'datetime' })
  capturedAt: Date & Opt = new Date();
}
