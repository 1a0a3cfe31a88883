// COLLECTOR_SOURCES: the live feeds the collector polls, as JSON. Validated at start like every
// other variable; a bad entry stops the start naming the source and the field.

export const FEED_PROVIDERS = ['football-data-co-uk', 'json', 'virtual-league'] as const;
export type FeedProviderKind = (typeof FEED_PROVIDERS)[number];

/**
 * Where a generic JSON feed keeps each field: dotted paths ("data.events", "teams.home.name").
 * `matches` points at the array of matches (empty: the document is the array); the others are
 * read inside each match.
 */
export interface JsonFeedMapping {
  matches: string;
  id: string;
  kickoff: string;
  home: string;
  away: string;
  status: string;
  homeGoals?: string;
  awayGoals?: string;
  homeGoalsHalfTime?: string;
  awayGoalsHalfTime?: string;
  season?: string;
  /** Feed status text → scheduled | live | finished | postponed | cancelled. Unmapped: refused row. */
  statusValues?: Record<string, string>;
  /** 1X2 prices (decimal) of the current book: paths of home, draw and away. */
  odds?: { home: string; draw: string; away: string; bookmaker?: string };
}

export interface CollectorSourceConfig {
  id: string;
  provider: FeedProviderKind;
  url: string;
  /** football-data.co.uk only: the upcoming-fixtures file, polled with the season file. */
  fixturesUrl?: string;
  intervalSeconds: number;
  timeoutMs: number;
  /** Fetch attempts after the first one, within one poll. */
  retries: number;
  /** First retry delay; doubles on each retry. */
  retryBackoffMs: number;
  breaker: { failureThreshold: number; cooldownSeconds: number };
  /** json only. */
  mapping?: JsonFeedMapping;
  /** json only: the competition of every match (feeds rarely say it in a usable form). */
  competition?: { code: string; name: string; country: string | null };
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const REQUIRED_PATHS = ['id', 'kickoff', 'home', 'away', 'status'] as const;
const STATUSES = ['scheduled', 'live', 'finished', 'postponed', 'cancelled'];

export const SOURCE_DEFAULTS = {
  intervalSeconds: 60,
  timeoutMs: 10_000,
  retries: 2,
  retryBackoffMs: 1_000,
  breaker: { failureThreshold: 5, cooldownSeconds: 300 },
};

/** The configured sources, or the problems found ("<source id>.<field>: reason"). */
export function parseCollectorSources(raw: string): CollectorSourceConfig[] | string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return [`not JSON (${(error as Error).message})`];
  }
  if (!Array.isArray(parsed)) return ['must be a JSON array of sources'];
  const problems: string[] = [];
  const sources: CollectorSourceConfig[] = [];
  const ids = new Set<string>();
  parsed.forEach((entry: unknown, index) => {
    const source = parseSource(entry, index, problems);
    if (!source) return;
    if (ids.has(source.id)) problems.push(`${source.id}: id used twice`);
    ids.add(source.id);
    sources.push(source);
  });
  return problems.length > 0 ? problems : sources;
}

function parseSource(
  entry: unknown,
  index: number,
  problems: string[],
): CollectorSourceConfig | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(`[${index}]: must be an object`);
    return undefined;
  }
  const e = entry as Record<string, unknown>;
  const name = typeof e.id === 'string' ? e.id : `[${index}]`;
  const before = problems.length;
  const problem = (field: string, reason: string) => problems.push(`${name}.${field}: ${reason}`);
  if (typeof e.id !== 'string' || !ID.test(e.id)) {
    problem('id', 'required: lower-case letters, digits and dashes (up to 64)');
  }
  if (!FEED_PROVIDERS.includes(e.provider as FeedProviderKind)) {
    problem('provider', `must be one of ${FEED_PROVIDERS.join(', ')}`);
  }
  for (const field of ['url', 'fixturesUrl'] as const) {
    if (field === 'fixturesUrl' && e[field] === undefined) continue;
    if (!isHttpUrl(e[field])) problem(field, 'must be an http(s) URL');
  }
  if (e.fixturesUrl !== undefined && e.provider !== 'football-data-co-uk') {
    problem('fixturesUrl', 'only for the football-data-co-uk provider');
  }
  const number = (field: string, fallback: number, min: number, max: number): number => {
    const value = e[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problem(field, `must be a number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const intervalSeconds = number('intervalSeconds', SOURCE_DEFAULTS.intervalSeconds, 1, 86_400);
  const timeoutMs = number('timeoutMs', SOURCE_DEFAULTS.timeoutMs, 100, 300_000);
  const retries = number('retries', SOURCE_DEFAULTS.retries, 0, 10);
  const retryBackoffMs = number('retryBackoffMs', SOURCE_DEFAULTS.retryBackoffMs, 0, 60_000);
  const breakerRaw = (e.breaker ?? {}) as Record<string, unknown>;
  const breaker = {
    failureThreshold: SOURCE_DEFAULTS.breaker.failureThreshold,
    cooldownSeconds: SOURCE_DEFAULTS.breaker.cooldownSeconds,
  };
  for (const [field, min, max] of [
    ['failureThreshold', 1, 1000],
    ['cooldownSeconds', 1, 86_400],
  ] as const) {
    const value = breakerRaw[field] ?? breaker[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problem(`breaker.${field}`, `must be an integer from ${min} to ${max}`);
    } else {
      breaker[field] = value;
    }
  }
  let mapping: JsonFeedMapping | undefined;
  let competition: CollectorSourceConfig['competition'];
  if (e.provider === 'json') {
    mapping = parseMapping(e.mapping, problem);
    competition = parseCompetition(e.competition, problem);
  } else if (e.mapping !== undefined || e.competition !== undefined) {
    problem('mapping', 'mapping and competition are only for the json provider');
  }
  if (problems.length > before) return undefined;
  return {
    id: e.id as string,
    provider: e.provider as FeedProviderKind,
    url: e.url as string,
    ...(e.fixturesUrl !== undefined ? { fixturesUrl: e.fixturesUrl as string } : {}),
    intervalSeconds,
    timeoutMs,
    retries: Math.trunc(retries),
    retryBackoffMs,
    breaker,
    ...(mapping ? { mapping } : {}),
    ...(competition ? { competition } : {}),
  };
}

function parseMapping(
  raw: unknown,
  problem: (field: string, reason: string) => void,
): JsonFeedMapping | undefined {
  if (typeof raw !== 'object' || raw === null) {
    problem('mapping', 'required for the json provider: an object of field paths');
    return undefined;
  }
  const m = raw as Record<string, unknown>;
  if (typeof m.matches !== 'string')
    problem('mapping.matches', 'required: a path ("" for the root)');
  for (const field of REQUIRED_PATHS) {
    if (typeof m[field] !== 'string' || m[field] === '')
      problem(`mapping.${field}`, 'required path');
  }
  for (const field of [
    'homeGoals',
    'awayGoals',
    'homeGoalsHalfTime',
    'awayGoalsHalfTime',
    'season',
  ]) {
    if (m[field] !== undefined && typeof m[field] !== 'string') {
      problem(`mapping.${field}`, 'must be a path');
    }
  }
  if (m.statusValues !== undefined) {
    const values = m.statusValues as Record<string, unknown>;
    if (typeof values !== 'object' || values === null) {
      problem('mapping.statusValues', 'must map feed values to statuses');
    } else {
      for (const [key, value] of Object.entries(values)) {
        if (!STATUSES.includes(value as string)) {
          problem(`mapping.statusValues.${key}`, `must be one of ${STATUSES.join(', ')}`);
        }
      }
    }
  }
  if (m.odds !== undefined) {
    const odds = m.odds as Record<string, unknown>;
    for (const field of ['home', 'draw', 'away']) {
      if (typeof odds?.[field] !== 'string') problem(`mapping.odds.${field}`, 'required path');
    }
  }
  return m as unknown as JsonFeedMapping;
}

function parseCompetition(
  raw: unknown,
  problem: (field: string, reason: string) => void,
): CollectorSourceConfig['competition'] {
  const c = (raw ?? {}) as Record<string, unknown>;
  if (typeof c.code !== 'string' || !/^[a-z0-9][a-z0-9/-]*$/.test(c.code)) {
    problem('competition.code', 'required: e.g. "feed/premier-league"');
  }
  if (typeof c.name !== 'string' || c.name.trim() === '') problem('competition.name', 'required');
  return {
    code: c.code as string,
    name: c.name as string,
    country: typeof c.country === 'string' ? c.country : null,
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
