import type { CollectorSourceConfig } from '../../config/collector-sources';
import { UnsupportedFormatError } from '../ingestion/errors';
import { parseAny } from '../ingestion/formats/detect';
import type { MatchRecord, ParseResult } from '../ingestion/match-record';
import { FeedProvider, FeedRefused, refuseIfNothingUsable } from './feed-provider';

/**
 * football-data.co.uk: a season file (results, with opening and closing odds) and optionally
 * the upcoming-fixtures file, whose prices are the current ones: for a fixture they are stored
 * as quotes (opening = first seen, closing = last seen before kick-off). Source keys are the
 * same as a file import's, so importing and collecting the same matches never duplicates them.
 */
export class FootballDataProvider implements FeedProvider {
  readonly expects = 'CSV';

  urls(source: CollectorSourceConfig): string[] {
    return source.fixturesUrl ? [source.url, source.fixturesUrl] : [source.url];
  }

  normalise(bodies: Buffer[]): ParseResult {
    const results = bodies.map((body) => {
      try {
        return refuseIfNothingUsable(parseAny(body, 'football-data-co-uk'));
      } catch (error) {
        if (error instanceof UnsupportedFormatError) throw new FeedRefused(error.message);
        throw error;
      }
    });
    return {
      format: 'football-data-co-uk',
      records: results.flatMap((result) => result.records.map(asCollected)),
      issues: results.flatMap((result) => result.issues),
      rowsRead: results.reduce((sum, result) => sum + result.rowsRead, 0),
    };
  }
}

/** A fixture's prices are today's: quotes, not a file's opening/closing columns. */
function asCollected(record: MatchRecord): MatchRecord {
  if (record.status !== 'scheduled') return record;
  const current = record.odds.filter((odds) => odds.phase === 'opening');
  return {
    ...record,
    odds: [],
    quotes: current.map(({ market, bookmaker, prices }) => ({ market, bookmaker, prices })),
  };
}
