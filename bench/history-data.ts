// Loads ../shared/data/football/history/*.csv (relative to the repo root) as MatchInput[].
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { MatchInput } from '../src/modelling/types';

export const HISTORY_DIR = resolve(__dirname, '..', '..', 'shared', 'data', 'football', 'history');

type Row = Record<string, string>;

/** 'YYYY-MM-DD HH:MM:SS' read as UTC. */
function parseUtc(text: string): number {
  const t = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(t)) throw new Error(`bad date ${text}`);
  return t;
}

function num(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

function prices(row: Row, phase: 'open' | 'close') {
  const home = num(row[`home_${phase}`]);
  const draw = num(row[`draw_${phase}`]);
  const away = num(row[`away_${phase}`]);
  return home && draw && away ? { home, draw, away } : undefined;
}

function pair<K extends string>(
  row: Row,
  phase: 'open' | 'close',
  columns: Record<K, string>,
): Record<K, number> | undefined {
  const out = {} as Record<K, number>;
  for (const [key, column] of Object.entries(columns) as [K, string][]) {
    const v = num(row[`${column}_${phase}`]);
    if (!v) return undefined;
    out[key] = v;
  }
  return out;
}

/** One goals market's prices for both phases, undefined when neither phase is quoted. */
function goalsMarket<K extends string>(row: Row, columns: Record<K, string>) {
  const opening = pair(row, 'open', columns);
  const closing = pair(row, 'close', columns);
  return opening || closing
    ? { ...(opening ? { opening } : {}), ...(closing ? { closing } : {}) }
    : undefined;
}

/** Season '2019-2020' -> '2019-20' style labels are kept as in the file. */
export function loadHistory(dir = HISTORY_DIR): MatchInput[] {
  if (!existsSync(dir)) {
    throw new Error(
      `history data not found: ${dir} (expected ../shared/data/football/history/*.csv next to the repo)`,
    );
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  if (files.length === 0) throw new Error(`no .csv files in ${dir}`);
  const matches: MatchInput[] = [];
  for (const file of files) {
    const rows = parse(readFileSync(join(dir, file), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
    }) as Row[];
    for (const row of rows) {
      const kickoff = parseUtc(row.Date);
      const competition = `${row.country}/${row.league}`;
      const opening = prices(row, 'open');
      const closing = prices(row, 'close');
      const ou25 = goalsMarket(row, { over: 'over_2.5', under: 'under_2.5' });
      const btts = goalsMarket(row, { yes: 'bts_yes', no: 'bts_no' });
      const odds = {
        ...(opening ? { opening } : {}),
        ...(closing ? { closing } : {}),
        ...(ou25 ? { ou25 } : {}),
        ...(btts ? { btts } : {}),
      };
      const homeGoals = num(row.FTHG);
      const awayGoals = num(row.FTAG);
      matches.push({
        id: `${competition}/${row.Date}/${row.HomeTeam}/${row.AwayTeam}`,
        kickoff,
        homeTeam: row.HomeTeam,
        awayTeam: row.AwayTeam,
        competition,
        season: row.Season,
        neutral: false,
        ...(homeGoals !== undefined && awayGoals !== undefined ? { homeGoals, awayGoals } : {}),
        ...(Object.keys(odds).length > 0 ? { odds } : {}),
      });
    }
  }
  return matches;
}
