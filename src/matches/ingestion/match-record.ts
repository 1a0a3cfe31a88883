// The normalised shape every ingestion format is parsed into, before team resolution and upsert.

export type MatchStatus = 'scheduled' | 'live' | 'finished' | 'postponed' | 'cancelled';
export type OddsMarket = '1x2' | 'ou25' | 'btts';
export type OddsPhase = 'opening' | 'closing';

/** Decimal prices of one market; outcome keys depend on the market: 1x2 home/draw/away, ou25 over/under, btts yes/no. */
export interface OddsRecord {
  market: OddsMarket;
  phase: OddsPhase;
  /** Who priced it: a bookmaker code ("pinnacle") or an aggregate ("market-average"). */
  bookmaker: string;
  prices: Record<string, number>;
}

export interface MatchRecord {
  /** 1-based line number in the source file (header is line 1), for error reports. */
  line: number;
  /** Which source produced the record, e.g. "football-data.co.uk", "history", "international". */
  source: string;
  /** Key unique within the source, stable across re-imports of the same match. */
  sourceKey: string;
  competition: { code: string; name: string; country: string | null };
  season: string;
  /** Kick-off in UTC. */
  kickoff: Date;
  homeTeam: string;
  awayTeam: string;
  neutral: boolean;
  status: MatchStatus;
  homeGoals: number | null;
  awayGoals: number | null;
  homeGoalsHalfTime: number | null;
  awayGoalsHalfTime: number | null;
  odds: OddsRecord[];
  /**
   * A league match: each home/away pairing is played once a season, so the source listing the
   * pairing on another day means the same match moved (postponed), not another match.
   */
  leagueFixture?: boolean;
  /**
   * Prices as a live source shows them at the poll (no phase): stored as the movement history,
   * the opening snapshot (first seen) and the closing one (last seen before kick-off).
   */
  quotes?: OddsQuote[];
}

/** A price seen now, before kick-off; see MatchRecord.quotes. */
export interface OddsQuote {
  market: OddsMarket;
  bookmaker: string;
  prices: Record<string, number>;
}

/** A problem with one row: reported to the caller, never silently dropped. */
export interface RowIssue {
  line: number;
  column: string | null;
  reason: string;
  /** 'error' rejects the row; 'warning' keeps the row but drops the offending part (e.g. impossible odds). */
  severity: 'error' | 'warning';
}

export interface ParseResult {
  format: string;
  records: MatchRecord[];
  issues: RowIssue[];
  rowsRead: number;
}
