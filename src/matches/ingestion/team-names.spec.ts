import { HISTORY_FILES, readSharedData } from '../../../test/fixtures/shared-data';
import { parseCsv } from './csv';
import {
  CURATED_TEAM_ALIASES,
  jaroWinkler,
  normaliseTeamName,
  resolveTeamAlias,
  suggestTeam,
  teamKey,
} from './team-names';

describe('normaliseTeamName', () => {
  it.each([
    ["Nott'm Forest", 'nottm forest'],
    ['Nottm Forest', 'nottm forest'],
    ['  Brighton & Hove   Albion ', 'brighton and hove albion'],
    ['Atlético Madrid', 'atletico madrid'],
    ['Bayern München', 'bayern munchen'],
    ['1. FC Köln', '1 fc koln'],
    ['St. Pauli', 'st pauli'],
    ['Arles-Avignon', 'arles avignon'],
    ['G.A. Eagles', 'g a eagles'],
    ['Bodø/Glimt', 'bodo glimt'],
    ['FC Emmen', 'fc emmen'],
  ])('%s -> %s', (name, key) => {
    expect(normaliseTeamName(name)).toBe(key);
  });
});

describe('curated aliases', () => {
  const historyTeamsByCompetition = new Map<string, Set<string>>();
  beforeAll(() => {
    for (const file of HISTORY_FILES) {
      const [, ...rows] = parseCsv(readSharedData('football', 'history', file));
      for (const { fields } of rows) {
        const code = `${fields[1]}/${fields[2]}`;
        const teams = historyTeamsByCompetition.get(code) ?? new Set<string>();
        teams.add(fields[4]).add(fields[5]);
        historyTeamsByCompetition.set(code, teams);
      }
    }
  });

  it('maps to names that exist in the history files, in the stated competition', () => {
    const missing = CURATED_TEAM_ALIASES.filter(
      (alias) => !historyTeamsByCompetition.get(alias.competition ?? '')?.has(alias.canonical),
    );
    expect(missing).toEqual([]);
  });

  it('never uses an existing history spelling as an alias, nor maps one alias two ways', () => {
    const historyKeys = new Set(
      [...historyTeamsByCompetition.values()].flatMap((teams) => [...teams].map(normaliseTeamName)),
    );
    expect(
      CURATED_TEAM_ALIASES.filter((alias) => historyKeys.has(normaliseTeamName(alias.alias))),
    ).toEqual([]);
    const keys = CURATED_TEAM_ALIASES.map((alias) => normaliseTeamName(alias.alias));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('resolves football-data.co.uk spellings to the history spelling', () => {
    expect(resolveTeamAlias('Man City')).toBe('Manchester City');
    expect(resolveTeamAlias("Nott'm Forest", 'england/premier-league')).toBe('Nottingham');
    expect(resolveTeamAlias('Nottm Forest')).toBe('Nottingham');
    expect(resolveTeamAlias("M'gladbach")).toBe('B. Monchengladbach');
    expect(resolveTeamAlias('Paris SG')).toBe('PSG');
    expect(resolveTeamAlias('Milan', 'italy/serie-a')).toBe('AC Milan');
    expect(resolveTeamAlias('Arsenal ')).toBe('Arsenal');
    expect(teamKey('Man United')).toBe(teamKey('Manchester United'));
  });

  it('applies a competition-scoped alias only in that competition', () => {
    expect(resolveTeamAlias('Milan', 'england/premier-league')).toBe('Milan');
  });
});

describe('suggestTeam', () => {
  const premierLeague = [
    'Manchester City',
    'Manchester United',
    'Newcastle Utd',
    'Nottingham',
    'Sheffield Utd',
    'Tottenham',
    'Wolves',
    'West Ham',
    'West Brom',
  ];

  it('puts the curated alias target first with score 1', () => {
    const [best] = suggestTeam('Man City', premierLeague);
    expect(best).toEqual({
      teamName: 'Manchester City',
      score: 1,
      reasons: ["curated alias of 'Manchester City'"],
    });
  });

  it('ranks by name similarity for unknown spellings', () => {
    const suggestions = suggestTeam('Wolverhampton', premierLeague);
    expect(suggestions[0].teamName).toBe('Wolves');
    expect(suggestions[0].reasons[0]).toMatch(/^name similarity 0\.\d\d$/);
    expect(suggestTeam('Sheffield United', premierLeague)[0].teamName).toBe('Sheffield Utd');
    expect(suggestTeam('Newcastle United', premierLeague)[0].teamName).toBe('Newcastle Utd');
  });

  it('boosts a candidate that played the same opponent on the same date in the same competition', () => {
    const candidates = premierLeague.map((teamName) => ({
      teamName,
      sameCompetition: true,
      sameOpponentSameDate: teamName === 'Tottenham',
    }));
    const [best] = suggestTeam('Spurs', candidates);
    expect(best.teamName).toBe('Tottenham');
    expect(best.reasons).toEqual(
      expect.arrayContaining(['same competition', 'played the same opponent on the same date']),
    );
    // Without the evidence, 'Spurs' looks like nothing in particular.
    expect(suggestTeam('Spurs', premierLeague).map((s) => s.teamName)).not.toContain('Tottenham');
  });

  it('respects minScore and limit, and is sorted by score', () => {
    const suggestions = suggestTeam('West', premierLeague, { minScore: 0, limit: 3 });
    expect(suggestions).toHaveLength(3);
    expect(suggestions.map((s) => s.score)).toEqual(
      [...suggestions.map((s) => s.score)].sort((a, b) => b - a),
    );
    expect(suggestTeam('Zzyzx', premierLeague)).toEqual([]);
  });

  it('computes textbook Jaro-Winkler values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});
