import { simulateLeague } from '../../modelling/simulation';
import type { MatchRecord, OddsRecord, ParseResult } from '../ingestion/match-record';

export const GENERATED_SOURCE = 'generated-demo';

function quote(
  market: OddsRecord['market'],
  phase: OddsRecord['phase'],
  prices: Record<string, number>,
): OddsRecord {
  return { market, phase, bookmaker: 'generated-bookmaker', prices: { ...prices } };
}

/**
 * A seeded, clearly labelled generated league (teams with attack/defence strengths, Dixon-Coles
 * goals, odds with a bookmaker margin) for machines without the real data. Its last season is
 * in progress at `now`, or, between seasons (its 38 rounds end in early May), about to start:
 * either way matches after `now` are scheduled fixtures with opening odds only, and there are
 * some.
 */
export function generatedLeague(now: Date, seed = 2024): ParseResult {
  const simulate = (lastSeasonYear: number) =>
    simulateLeague({
      seed,
      teams: 20,
      seasons: 3,
      firstSeasonYear: lastSeasonYear - 2,
      competition: 'Generated Premier Division',
    });
  const seasonStartYear = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  let league = simulate(seasonStartYear);
  if (!league.matches.some((m) => m.kickoff >= now.getTime()))
    league = simulate(seasonStartYear + 1);
  const records: MatchRecord[] = league.matches.map((match, index) => {
    const played = match.kickoff < now.getTime();
    // Closing prices exist only for matches that have kicked off.
    const odds: OddsRecord[] = [
      quote('1x2', 'opening', match.odds.opening),
      quote('ou25', 'opening', match.overUnder25.opening),
      quote('btts', 'opening', match.bothTeamsToScore.opening),
      ...(played
        ? [
            quote('1x2', 'closing', match.odds.closing),
            quote('ou25', 'closing', match.overUnder25.closing),
          ]
        : []),
    ];
    return {
      line: index + 2,
      source: GENERATED_SOURCE,
      sourceKey: `seed-${seed}:${match.id}`,
      competition: {
        code: 'generated/premier-division',
        name: league.competition,
        country: 'Generated',
      },
      season: match.season,
      kickoff: new Date(match.kickoff),
      homeTeam: match.homeTeam,
      awayTeam: match.awayTeam,
      neutral: false,
      status: played ? 'finished' : 'scheduled',
      homeGoals: played ? match.homeGoals : null,
      awayGoals: played ? match.awayGoals : null,
      homeGoalsHalfTime: null,
      awayGoalsHalfTime: null,
      odds,
    };
  });
  return { format: 'generated', records, issues: [], rowsRead: records.length };
}
