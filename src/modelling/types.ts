// Plain data shared by every model: no Nest, no ORM, no I/O. JSON-serialisable throughout.

/** A played (or to-be-played) match as the models see it. */
export interface MatchInput {
  /** Stable id (database id or source key); used by the backtester to prove no leakage. */
  id: string;
  /** Kick-off, milliseconds since epoch (UTC). */
  kickoff: number;
  homeTeam: string;
  awayTeam: string;
  /** League / competition key, used for per-league metrics and per-league fits. */
  competition: string;
  /** Season label, e.g. "2023-2024". */
  season: string;
  neutral: boolean;
  /** Full-time goals; undefined for fixtures not yet played. */
  homeGoals?: number;
  awayGoals?: number;
  /** Market decimal odds when known: 1X2 per phase, and the goals markets per phase. */
  odds?: {
    opening?: { home: number; draw: number; away: number };
    closing?: { home: number; draw: number; away: number };
    /** Over / under 2.5 goals. */
    ou25?: { opening?: OverUnderPrices; closing?: OverUnderPrices };
    /** Both teams to score. */
    btts?: { opening?: BothTeamsToScorePrices; closing?: BothTeamsToScorePrices };
  };
}

export interface OverUnderPrices {
  over: number;
  under: number;
}

export interface BothTeamsToScorePrices {
  yes: number;
  no: number;
}

/** Probabilities of home win / draw / away win; always non-negative and summing to 1. */
export interface OutcomeProbabilities {
  home: number;
  draw: number;
  away: number;
}

/** A fitted model that predicts 1X2 probabilities for a fixture. */
export interface MatchPredictor {
  predict(fixture: MatchInput): OutcomeProbabilities;
}
