import type { CollectorSourceConfig } from '../../config/collector-sources';
import type { ParseResult } from '../ingestion/match-record';

/** The source answered, but not with data this provider can read: the poll fails, nothing is stored. */
export class FeedRefused extends Error {}

/**
 * One kind of live feed: which URLs a poll fetches, and how their bodies become normalised
 * match records (fixtures, live states, results, and current odds as `quotes`). Fetching,
 * retries, the breaker and storage are the collector's; a provider only reads.
 */
export interface FeedProvider {
  /** What the fetched bodies must be ("CSV", "JSON"), for the refusal of an HTML page. */
  readonly expects: string;
  urls(source: CollectorSourceConfig): string[];
  /** Throws FeedRefused when a body is not this feed at all; bad rows become issues. */
  normalise(bodies: Buffer[], source: CollectorSourceConfig): ParseResult;
}

/** A feed that answered rows but not one usable record is as broken as one that answered garbage. */
export function refuseIfNothingUsable(result: ParseResult): ParseResult {
  if (result.rowsRead > 0 && result.records.length === 0) {
    const first = result.issues.find((issue) => issue.severity === 'error');
    throw new FeedRefused(
      `none of the ${result.rowsRead} rows could be read${first ? ` (row ${first.line}: ${first.reason})` : ''}`,
    );
  }
  return result;
}

/** Reads a JSON body, or refuses it. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new FeedRefused(`the body is not JSON (${(error as Error).message})`);
  }
}
