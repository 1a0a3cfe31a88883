// Competition identity shared by every format. The same league must get the same code whichever
// source it comes from (history's `england,premier-league` and football-data's `E0` are one
// competition), otherwise the same match imported from both would not be recognised as one.

import type { MatchRecord } from './match-record';

export type Competition = MatchRecord['competition'];

interface DivisionEntry extends Competition {
  /**
   * Last day (YYYY-MM-DD) of the 2019-20 season where COVID-19 pushed it past June 30: matches up
   * to that day belong to 2019-2020 although the July-June rule would say 2020-2021.
   */
  covidSeasonEnd?: string;
}

function competition(country: string, slug: string, name: string): Competition {
  return { code: `${country.toLowerCase()}/${slug}`, name, country };
}

/** football-data.co.uk division codes. */
export const FOOTBALL_DATA_DIVISIONS: Readonly<Record<string, DivisionEntry>> = {
  E0: {
    ...competition('England', 'premier-league', 'Premier League'),
    covidSeasonEnd: '2020-07-26',
  },
  E1: { ...competition('England', 'championship', 'Championship'), covidSeasonEnd: '2020-08-04' },
  E2: { ...competition('England', 'league-one', 'League One'), covidSeasonEnd: '2020-07-13' },
  E3: { ...competition('England', 'league-two', 'League Two'), covidSeasonEnd: '2020-07-13' },
  EC: competition('England', 'national-league', 'National League'),
  SC0: competition('Scotland', 'premiership', 'Premiership'),
  SC1: competition('Scotland', 'championship', 'Championship'),
  SC2: competition('Scotland', 'league-one', 'League One'),
  SC3: competition('Scotland', 'league-two', 'League Two'),
  SP1: { ...competition('Spain', 'laliga', 'LaLiga'), covidSeasonEnd: '2020-07-19' },
  SP2: { ...competition('Spain', 'laliga2', 'LaLiga 2'), covidSeasonEnd: '2020-08-23' },
  I1: { ...competition('Italy', 'serie-a', 'Serie A'), covidSeasonEnd: '2020-08-02' },
  I2: { ...competition('Italy', 'serie-b', 'Serie B'), covidSeasonEnd: '2020-08-20' },
  D1: { ...competition('Germany', 'bundesliga', 'Bundesliga'), covidSeasonEnd: '2020-07-06' },
  D2: { ...competition('Germany', '2-bundesliga', '2. Bundesliga'), covidSeasonEnd: '2020-07-11' },
  F1: competition('France', 'ligue-1', 'Ligue 1'),
  F2: competition('France', 'ligue-2', 'Ligue 2'),
  N1: competition('Netherlands', 'eredivisie', 'Eredivisie'),
  B1: competition('Belgium', 'jupiler-pro-league', 'Jupiler Pro League'),
  P1: {
    ...competition('Portugal', 'liga-portugal', 'Liga Portugal'),
    covidSeasonEnd: '2020-07-26',
  },
  T1: { ...competition('Turkey', 'super-lig', 'Super Lig'), covidSeasonEnd: '2020-07-26' },
  G1: { ...competition('Greece', 'super-league', 'Super League'), covidSeasonEnd: '2020-07-19' },
};

/** Display names of the history files' `league` slugs, where title-casing the slug is wrong. */
const HISTORY_LEAGUE_NAMES: Readonly<Record<string, string>> = {
  'england/premier-league': 'Premier League',
  'spain/laliga': 'LaLiga',
  'italy/serie-a': 'Serie A',
  'germany/bundesliga': 'Bundesliga',
  'france/ligue-1': 'Ligue 1',
  'netherlands/eredivisie': 'Eredivisie',
};

/** COVID season ends by competition code, for sources that have no division code. */
const COVID_SEASON_END_BY_CODE: ReadonlyMap<string, string> = new Map(
  Object.values(FOOTBALL_DATA_DIVISIONS)
    .filter((entry) => entry.covidSeasonEnd !== undefined)
    .map((entry) => [entry.code, entry.covidSeasonEnd as string]),
);

export function divisionCompetition(div: string): Competition {
  const entry = FOOTBALL_DATA_DIVISIONS[div.toUpperCase()];
  if (entry) return { code: entry.code, name: entry.name, country: entry.country };
  // Unknown division: keep it importable under a code that cannot clash with a known league.
  return { code: `football-data/${slugify(div)}`, name: div, country: null };
}

const historyCompetitions = new Map<string, Competition>();

/** Competition of a history row from its `country` and `league` slugs (memoised: hot path). */
export function historyCompetition(country: string, league: string): Competition {
  const cacheKey = `${country}\u0000${league}`;
  let found = historyCompetitions.get(cacheKey);
  if (!found) {
    const code = `${slugify(country)}/${slugify(league)}`;
    found = {
      code,
      name: HISTORY_LEAGUE_NAMES[code] ?? titleCase(league),
      country: titleCase(country),
    };
    historyCompetitions.set(cacheKey, found);
  }
  // A copy, so a caller mutating its record cannot corrupt the cache.
  return { ...found };
}

/**
 * Season label ('2024-2025') of a club-football date (YYYY-MM-DD): seasons run July to June,
 * except the COVID-extended 2019-20 season of the competitions that finished it in summer 2020.
 */
export function clubSeasonOf(isoDate: string, competitionCode?: string): string {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  const covidEnd = competitionCode ? COVID_SEASON_END_BY_CODE.get(competitionCode) : undefined;
  if (covidEnd && isoDate >= '2020-07-01' && isoDate <= covidEnd) return '2019-2020';
  return month >= 7 ? `${year}-${year + 1}` : `${year - 1}-${year}`;
}

/** Lower-case ASCII slug: 'FIFA World Cup' -> 'fifa-world-cup'. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function titleCase(slug: string): string {
  return slug
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}
