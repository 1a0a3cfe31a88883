import { simulateLeague } from '../../modelling/simulation';
import type { MatchRecord, ParseResult } from '../ingestion/match-record';

export const GENERATED_SOURCE = 'generated-demo';

/**
 * A seeded, clearly labelled generated league (teams with attack/defence strengths, Dixon-Coles
 * goals, odds with a bookmaker margin) for machines without the real data. Its last season is
 * in progress at `now`: matches after `now` are scheduled fixtures with opening odds only.
 */
export function generatedLeague(now: Date, seed = 2024): ParseResult {
  const seasonStartYear = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const league = simulateLeague({
    seed,
    teams: 20,
    seasons: 3,
    firstSeasonYear: seasonStartYear - 2,
    competition: 'Generated Premier Division',
  });
  const records: MatchRecord[] = league.matches.map((match, index) => {
    const played = match.kickoff < now.getTime();
    const odds: MatchRecord['odds'] = [
      {
        market: '1x2',
        phase: 'opening',
        bookmaker: 'generated-bookmaker',
        prices: { ...match.odds.opening },
      },
      {
        market: 'ou25',
        phase: 'opening',
        bookmaker: 'generated-bookmaker',
        prices: { ...match.overUnder25.opening },
      },
      {
        market: 'btts',
        phase: 'opening',
        bookmaker: 'generated-bookmaker',
        prices: { ...match.bothTeamsToScore.opening },
      },
    ];
    if (played) {
      odds.push(
        {
          market: '1x2',
          phase: 'closing',
          bookmaker: 'generated-bookmaker',
          prices: { ...match.odds.closing },
        },
        {
          market: 'ou25',
          phase: 'closing',
          bookmaker: 'generated-bookmaker',
          prices: { ...match.overUnder25.closing },
        },
      );
    }
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
