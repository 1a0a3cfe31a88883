// football-data.co.uk spellings of the clubs of the six history leagues, mapped to the history
// files' spelling, which is canonical. Only clubs whose spelling differs are listed, and every
// canonical name exists in the history files (checked by team-aliases.spec.ts). The English ones
// were derived by matching E0.csv to the history file over 2024-08-16..2024-11-10 (same date,
// same full- and half-time score); the others are football-data.co.uk's long-standing spellings.

export interface TeamAlias {
  alias: string;
  canonical: string;
  /** Competition code the alias applies to; absent = any competition. */
  competition?: string;
}

const ENGLAND = 'england/premier-league';
const SPAIN = 'spain/laliga';
const ITALY = 'italy/serie-a';
const GERMANY = 'germany/bundesliga';
const FRANCE = 'france/ligue-1';
const NETHERLANDS = 'netherlands/eredivisie';

export const CURATED_TEAM_ALIASES: readonly TeamAlias[] = [
  // England
  { alias: 'Man City', canonical: 'Manchester City', competition: ENGLAND },
  { alias: 'Man United', canonical: 'Manchester United', competition: ENGLAND },
  { alias: 'Newcastle', canonical: 'Newcastle Utd', competition: ENGLAND },
  { alias: "Nott'm Forest", canonical: 'Nottingham', competition: ENGLAND },
  { alias: 'Sheffield United', canonical: 'Sheffield Utd', competition: ENGLAND },
  { alias: 'Hull', canonical: 'Hull City', competition: ENGLAND },
  { alias: 'Stoke', canonical: 'Stoke City', competition: ENGLAND },
  // Spain
  { alias: 'Ath Madrid', canonical: 'Atl. Madrid', competition: SPAIN },
  { alias: 'Celta', canonical: 'Celta Vigo', competition: SPAIN },
  { alias: 'Espanol', canonical: 'Espanyol', competition: SPAIN },
  { alias: 'Granada', canonical: 'Granada CF', competition: SPAIN },
  { alias: 'La Coruna', canonical: 'Dep. La Coruna', competition: SPAIN },
  { alias: 'Santander', canonical: 'Racing Santander', competition: SPAIN },
  { alias: 'Sociedad', canonical: 'Real Sociedad', competition: SPAIN },
  { alias: 'Sp Gijon', canonical: 'Gijon', competition: SPAIN },
  { alias: 'Vallecano', canonical: 'Rayo Vallecano', competition: SPAIN },
  { alias: 'Xerez', canonical: 'Xerez CD', competition: SPAIN },
  // Italy
  { alias: 'Milan', canonical: 'AC Milan', competition: ITALY },
  { alias: 'Roma', canonical: 'AS Roma', competition: ITALY },
  // Germany
  { alias: 'Bielefeld', canonical: 'Arminia Bielefeld', competition: GERMANY },
  { alias: 'Ein Frankfurt', canonical: 'Eintracht Frankfurt', competition: GERMANY },
  { alias: 'FC Koln', canonical: '1. FC Koln', competition: GERMANY },
  { alias: 'Fortuna Dusseldorf', canonical: 'Dusseldorf', competition: GERMANY },
  { alias: 'Hamburg', canonical: 'Hamburger', competition: GERMANY },
  { alias: 'Hertha', canonical: 'Hertha Berlin', competition: GERMANY },
  { alias: 'Karlsruhe', canonical: 'Karlsruher', competition: GERMANY },
  { alias: 'Leverkusen', canonical: 'Bayer Leverkusen', competition: GERMANY },
  { alias: "M'gladbach", canonical: 'B. Monchengladbach', competition: GERMANY },
  { alias: 'Schalke 04', canonical: 'Schalke', competition: GERMANY },
  { alias: 'Stuttgart', canonical: 'VfB Stuttgart', competition: GERMANY },
  // France
  { alias: 'Ajaccio', canonical: 'AC Ajaccio', competition: FRANCE },
  { alias: 'Ajaccio GFCO', canonical: 'GFC Ajaccio', competition: FRANCE },
  { alias: 'Amiens', canonical: 'Amiens SC', competition: FRANCE },
  { alias: 'Arles', canonical: 'Arles-Avignon', competition: FRANCE },
  { alias: 'Evian Thonon Gaillard', canonical: 'Thonon-Evian', competition: FRANCE },
  { alias: 'Paris SG', canonical: 'PSG', competition: FRANCE },
  // Netherlands
  { alias: 'For Sittard', canonical: 'Sittard', competition: NETHERLANDS },
  { alias: 'Go Ahead Eagles', canonical: 'G.A. Eagles', competition: NETHERLANDS },
  { alias: 'Graafschap', canonical: 'De Graafschap', competition: NETHERLANDS },
  { alias: 'PSV Eindhoven', canonical: 'PSV', competition: NETHERLANDS },
  { alias: 'VVV Venlo', canonical: 'Venlo', competition: NETHERLANDS },
  { alias: 'Volendam', canonical: 'FC Volendam', competition: NETHERLANDS },
  { alias: 'Emmen', canonical: 'FC Emmen', competition: NETHERLANDS },
];
