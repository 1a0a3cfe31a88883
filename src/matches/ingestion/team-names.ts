// Team-name matching: a normalised key for exact matching, the curated alias table, and a ranked
// suggestion of existing teams for a name nobody has seen yet.

import { CURATED_TEAM_ALIASES, type TeamAlias } from './team-aliases';

export { CURATED_TEAM_ALIASES, type TeamAlias };

/** Letters NFD does not decompose into ASCII plus a combining mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * Matching key of a team name: lower case, accents stripped, '&' -> 'and', apostrophes removed
 * (Nott'm = Nottm), other punctuation as spaces, whitespace collapsed. Tokens such as 'fc' or
 * 'united' are kept: dropping them would merge different clubs.
 */
export function normaliseTeamName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[ßøæœłđðþı]/g, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .replace(/&/g, ' and ')
    .replace(/['\u2018\u2019`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const aliasIndex = buildAliasIndex(CURATED_TEAM_ALIASES);

function buildAliasIndex(aliases: readonly TeamAlias[]): Map<string, TeamAlias[]> {
  const index = new Map<string, TeamAlias[]>();
  for (const alias of aliases) {
    const key = normaliseTeamName(alias.alias);
    index.set(key, [...(index.get(key) ?? []), alias]);
  }
  return index;
}

/**
 * Canonical spelling of a team name through the curated aliases, or the name itself (trimmed).
 * With a competition code, aliases of that competition (or of none) apply; without one, an alias
 * applies only when it is unambiguous.
 */
export function resolveTeamAlias(name: string, competitionCode?: string): string {
  const found = aliasIndex.get(normaliseTeamName(name));
  if (!found) return name.trim();
  const applicable = found.filter(
    (alias) =>
      alias.competition === undefined ||
      competitionCode === undefined ||
      alias.competition === competitionCode,
  );
  const canonicals = new Set(applicable.map((alias) => alias.canonical));
  return canonicals.size === 1 ? [...canonicals][0] : name.trim();
}

/** Matching key after alias resolution: two names with the same key are the same team. */
export function teamKey(name: string, competitionCode?: string): string {
  return normaliseTeamName(resolveTeamAlias(name, competitionCode));
}

export interface TeamCandidate {
  teamName: string;
  /** The candidate plays in the competition of the unknown name. */
  sameCompetition?: boolean;
  /** The candidate played the unknown team's opponent on the same date (strongest evidence). */
  sameOpponentSameDate?: boolean;
}

export interface TeamSuggestion {
  teamName: string;
  /** 0..1, higher is more likely. */
  score: number;
  reasons: string[];
}

export interface SuggestOptions {
  /** Competition of the unknown name, to apply competition-scoped aliases. */
  competitionCode?: string;
  /** Suggestions scoring below this are left out. Default 0.5. */
  minScore?: number;
  /** At most this many suggestions. Default 5. */
  limit?: number;
}

const SAME_COMPETITION_BOOST = 0.1;
/**
 * A team plays one match per day in a competition, so "same opponent, same date" all but
 * identifies it: such a candidate scores at least this, whatever its name looks like.
 */
const SAME_FIXTURE_FLOOR = 0.75;

/** Ranks existing teams that an unknown name may denote. Pure: candidates come from the caller. */
export function suggestTeam(
  unknownName: string,
  candidates: readonly (TeamCandidate | string)[],
  options: SuggestOptions = {},
): TeamSuggestion[] {
  const minScore = options.minScore ?? 0.5;
  const limit = options.limit ?? 5;
  const unknownKey = normaliseTeamName(unknownName);
  const aliasKey = teamKey(unknownName, options.competitionCode);

  const suggestions: TeamSuggestion[] = [];
  for (const raw of candidates) {
    const candidate = typeof raw === 'string' ? { teamName: raw } : raw;
    const candidateKey = normaliseTeamName(candidate.teamName);
    const reasons: string[] = [];
    let score: number;
    if (candidateKey === unknownKey) {
      score = 1;
      reasons.push('same normalised name');
    } else if (candidateKey === aliasKey) {
      score = 1;
      reasons.push(`curated alias of '${candidate.teamName}'`);
    } else {
      score = nameSimilarity(unknownKey, candidateKey);
      reasons.push(`name similarity ${score.toFixed(2)}`);
    }
    if (candidate.sameOpponentSameDate) {
      score = SAME_FIXTURE_FLOOR + (1 - SAME_FIXTURE_FLOOR) * score;
      reasons.push('played the same opponent on the same date');
    }
    if (candidate.sameCompetition) {
      score += SAME_COMPETITION_BOOST;
      reasons.push('same competition');
    }
    score = Math.min(1, score);
    if (score >= minScore) suggestions.push({ teamName: candidate.teamName, score, reasons });
  }
  return suggestions
    .sort((a, b) => b.score - a.score || a.teamName.localeCompare(b.teamName))
    .slice(0, limit);
}

/**
 * Similarity of two normalised names, 0..1: the better of whole-string Jaro-Winkler and a token
 * score where abbreviations count ('man' ~ 'manchester', 'utd' ~ 'united').
 */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a === '' || b === '') return 0;
  return Math.max(jaroWinkler(a, b), tokenSimilarity(a.split(' '), b.split(' ')));
}

function tokenSimilarity(a: string[], b: string[]): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const used = new Set<number>();
  let total = 0;
  for (const token of short) {
    let best = 0;
    let bestIndex = -1;
    long.forEach((other, i) => {
      if (used.has(i)) return;
      const score = tokenMatch(token, other);
      if (score > best) [best, bestIndex] = [score, i];
    });
    if (bestIndex >= 0) used.add(bestIndex);
    total += best;
  }
  // Unmatched extra tokens of the longer name cost a little ('Hull' vs 'Hull City').
  const coverage = total / short.length;
  return coverage * (1 - 0.1 * (long.length - short.length));
}

function tokenMatch(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length >= 3 && b.length >= 3 && (a.startsWith(b) || b.startsWith(a))) return 0.85;
  if (isAbbreviation(a, b) || isAbbreviation(b, a)) return 0.8;
  const jw = jaroWinkler(a, b);
  return jw >= 0.85 ? jw * 0.9 : 0;
}

/** 'utd' abbreviates 'united': same first letter, letters in order. */
function isAbbreviation(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (!bMatched[j] && a[i] === b[j]) {
        aMatched[i] = bMatched[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}
