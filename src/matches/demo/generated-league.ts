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
 * in progress at `now`; between seasons (its 38 rounds end in early May) the next one is added,
 * so there are always fixtures ahead. Matches after `now` are scheduled fixtures with opening
 * odds only. Every season is the same whatever `now` is (only the statuses differ), so the league
 * generated later holds the results of the fixtures generated earlier.
 */
export function generatedLeague(now: Date, seed = 2024): ParseResult {
  const seasonStartYear = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const simulate = (seasons: number) =>
    simulateLeague({
      seed,
      teams: 20,
      seasons,
      firstSeasonYear: seasonStartYear - 2,
      competition: 'Generated Premier Division',
    });
  let league = simulate(3);
  // A season more only appends draws: the three before it come out the same.
  if (!league.matches.some((m) => m.kickoff >= now.getTime())) league = simulate(4);
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
