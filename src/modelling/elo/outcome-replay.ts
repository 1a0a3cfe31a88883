// What rating models that replay matches and map a pre-match difference to home / draw / away
// (Elo, pi-ratings) share: which matches a weekly refit replays, and the ordered logit's rows,
// kept so that the next week's fit continues from them instead of replaying every season again.
import type { MatchInput } from '../types';
import { fitOrderedLogit, type OrderedLogit, type OrderedLogitData } from './ordered-logit';
import { byKickoff, isFinished } from '../match-order';

const DAY_MS = 86_400_000;

/** The fields of a replayed fit that say what it replayed. */
export interface ReplayedFit {
  hyperparameters: object;
  asOf: number;
  /** Finished matches replayed. */
  matchCount: number;
}

/**
 * The finished matches with kickoff < asOf to replay, in kick-off order. When `previous` is an
 * earlier fit made in this process with the same hyperparameters and the same data (as many
 * finished matches before its asOf), only the later ones, and `from` is the fit to continue.
 */
export function planReplay<P extends ReplayedFit>(
  matches: readonly MatchInput[],
  asOf: number,
  hyperparameters: object,
  previous: P | undefined,
): { from?: P; replay: MatchInput[] } {
  const resumable =
    previous !== undefined &&
    previous.asOf <= asOf &&
    records.has(previous) &&
    JSON.stringify(previous.hyperparameters) === JSON.stringify(hyperparameters);
  const since = resumable ? previous.asOf : Number.NEGATIVE_INFINITY;
  // One pass: the matches since the previous fit, and how many finished matches came before it.
  let before = 0;
  const later: MatchInput[] = [];
  for (const m of matches) {
    if (m.kickoff >= asOf || !isFinished(m)) continue;
    if (m.kickoff < since) before++;
    else later.push(m);
  }
  if (resumable && before === previous.matchCount)
    return { from: previous, replay: later.sort(byKickoff) };
  const replay = resumable ? matches.filter((m) => m.kickoff < asOf && isFinished(m)) : later;
  return { replay: replay.sort(byKickoff) };
}

/**
 * The ordered logit's rows in replay order (the first `length` entries of the buffers): the
 * pre-match difference, the outcome (0 away, 1 draw, 2 home), the kick-off, and whether both
 * teams had played enough to be rated (burned in).
 */
export class OutcomeRecord {
  private constructor(
    readonly length: number,
    private readonly differences: Float64Array,
    private readonly outcomes: Uint8Array,
    private readonly kickoffs: Float64Array,
    private readonly burnedIn: Uint8Array,
    /**
     * Entries written to these buffers by any fit: a continuation appends in place only when it
     * extends the longest fit sharing them, and copies otherwise, so no fit's record is overwritten.
     */
    private readonly buffer: { used: number },
  ) {}

  /** A record of `length` rows: those of `from`'s record (when it continues one), then room. */
  static continuing(from: ReplayedFit | undefined, length: number): OutcomeRecord {
    const earlier = from && records.get(from);
    const keep = earlier ? from.matchCount : 0;
    const inPlace =
      earlier !== undefined &&
      earlier.buffer.used === earlier.length &&
      earlier.differences.length >= length;
    const extend = <T extends Float64Array | Uint8Array>(array: T | undefined, empty: T): T => {
      if (inPlace && array) return array;
      const copy = new (empty.constructor as new (n: number) => T)(Math.max(length, 2 * keep));
      if (array) copy.set(array.subarray(0, keep));
      return copy;
    };
    const record = new OutcomeRecord(
      length,
      extend(earlier?.differences, new Float64Array(0)),
      extend(earlier?.outcomes, new Uint8Array(0)),
      extend(earlier?.kickoffs, new Float64Array(0)),
      extend(earlier?.burnedIn, new Uint8Array(0)),
      inPlace ? (earlier as OutcomeRecord).buffer : { used: 0 },
    );
    record.buffer.used = length;
    return record;
  }

  set(i: number, difference: number, match: MatchInput, burnedIn: boolean): void {
    const hg = match.homeGoals as number;
    const ag = match.awayGoals as number;
    this.differences[i] = difference;
    this.outcomes[i] = hg > ag ? 2 : hg === ag ? 1 : 0;
    this.kickoffs[i] = match.kickoff;
    this.burnedIn[i] = burnedIn ? 1 : 0;
  }

  /** The ordered logit on the burned-in rows, older ones halved every `halfLifeDays` (0: equal). */
  fitOrderedLogit(asOf: number, halfLifeDays: number, start: OrderedLogit): OrderedLogit {
    const n = this.length;
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      weights[i] = this.burnedIn[i]
        ? halfLifeDays > 0
          ? Math.pow(0.5, (asOf - this.kickoffs[i]) / DAY_MS / halfLifeDays)
          : 1
        : 0;
    }
    const data: OrderedLogitData = {
      differences: this.differences.subarray(0, n),
      outcomes: this.outcomes.subarray(0, n),
      weights,
    };
    return fitOrderedLogit(data, start);
  }

  /** Kept beside `fit` (not in it, so parameters stay small, plain JSON) for its continuation. */
  keepFor(fit: ReplayedFit): void {
    records.set(fit, this);
  }
}

/**
 * The record behind each fit this process returned; a fit whose record is gone (another
 * process, or parameters read back from storage) simply replays.
 */
const records = new WeakMap<ReplayedFit, OutcomeRecord>();
