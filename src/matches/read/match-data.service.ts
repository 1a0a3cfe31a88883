import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { MatchInput } from '../../modelling';
import { competitionCodeOf, findCompetitionCode } from './list-filters';
import { ModelDataRepository, type FixtureRow } from '../repositories/model-data.repository';

export interface TrainingDataQuery {
  /** Competition codes; undefined = every competition with finished matches. */
  competitions?: string[];
  from?: Date;
  to?: Date;
  /** Only these matches (e.g. to score predictions of matches that just finished). */
  matchIds?: number[];
}

export interface FormEntry {
  kickoff: string;
  venue: 'home' | 'away';
  opponentId: number;
  goalsFor: number;
  goalsAgainst: number;
  result: 'W' | 'D' | 'L';
}

export interface StoredOdds {
  market: string;
  phase: string;
  bookmaker: string;
  prices: Record<string, number>;
  capturedAt: string;
}

/** A match with what predictions need: teams, odds and both sides' recent form. */
export interface FixtureDetail {
  id: number;
  kickoff: Date;
  season: string;
  status: string;
  neutral: boolean;
  homeGoals: number | null;
  awayGoals: number | null;
  competition: { code: string; name: string };
  homeTeam: { id: number; name: string };
  awayTeam: { id: number; name: string };
  odds: StoredOdds[];
  form: { home: FormEntry[]; away: FormEntry[] };
  /** Changes whenever the match's stored data changes. */
  dataVersion: string;
}

/** The team key models use: the database id as a string (names can be renamed or merged). */
export const teamKey = (id: number): string => String(id);

const prices1x2 = (p: Record<string, number> | null) =>
  p && p.home > 1 && p.draw > 1 && p.away > 1
    ? { home: p.home, draw: p.draw, away: p.away }
    : undefined;

const pricesOu25 = (p: Record<string, number> | null | undefined) =>
  p && p.over > 1 && p.under > 1 ? { over: p.over, under: p.under } : undefined;

const pricesBtts = (p: Record<string, number> | null | undefined) =>
  p && p.yes > 1 && p.no > 1 ? { yes: p.yes, no: p.no } : undefined;

type Phased<T> = { opening?: T; closing?: T };

function phased<T>(opening: T | undefined, closing: T | undefined): Phased<T> | undefined {
  return opening || closing
    ? { ...(opening ? { opening } : {}), ...(closing ? { closing } : {}) }
    : undefined;
}

/** The models' odds: 1X2 per phase plus the goals markets, undefined when nothing is priced. */
function modelOdds(
  oneXTwo: Phased<{ home: number; draw: number; away: number }> | undefined,
  ou25: MatchInputOdds['ou25'],
  btts: MatchInputOdds['btts'],
): MatchInput['odds'] {
  const odds: MatchInputOdds = {
    ...oneXTwo,
    ...(ou25 ? { ou25 } : {}),
    ...(btts ? { btts } : {}),
  };
  return Object.keys(odds).length > 0 ? odds : undefined;
}

type MatchInputOdds = NonNullable<MatchInput['odds']>;

function formOf(teamId: number, rows: FixtureRow['home_form']): FormEntry[] {
  return (rows ?? []).map((r) => {
    const home = r.home_team_id === teamId;
    const goalsFor = home ? r.home_goals : r.away_goals;
    const goalsAgainst = home ? r.away_goals : r.home_goals;
    return {
      kickoff: new Date(r.kickoff).toISOString(),
      venue: home ? 'home' : 'away',
      opponentId: home ? r.away_team_id : r.home_team_id,
      goalsFor,
      goalsAgainst,
      result: goalsFor > goalsAgainst ? 'W' : goalsFor === goalsAgainst ? 'D' : 'L',
    };
  });
}

/** Matches as the modelling core and the prediction service read them. */
@Injectable()
export class MatchDataService {
  constructor(private readonly em: EntityManager) {}

  private get repository() {
    return new ModelDataRepository(this.em);
  }

  async trainingMatches(query: TrainingDataQuery): Promise<MatchInput[]> {
    const rows = await this.repository.trainingRows(
      query.competitions ?? null,
      query.from ?? null,
      query.to ?? null,
      query.matchIds ?? null,
    );
    return rows.map((r) => {
      const odds = modelOdds(
        phased(prices1x2(r.opening), prices1x2(r.closing)),
        phased(pricesOu25(r.ou25_opening), pricesOu25(r.ou25_closing)),
        phased(pricesBtts(r.btts_opening), pricesBtts(r.btts_closing)),
      );
      return {
        id: String(r.id),
        kickoff: new Date(r.kickoff).getTime(),
        homeTeam: teamKey(r.home_team_id),
        awayTeam: teamKey(r.away_team_id),
        competition: r.competition,
        season: r.season,
        neutral: r.neutral,
        homeGoals: r.home_goals,
        awayGoals: r.away_goals,
        ...(odds ? { odds } : {}),
      };
    });
  }

  async fixture(id: number): Promise<FixtureDetail | undefined> {
    const r = await this.repository.fixture(id);
    if (!r) return undefined;
    return {
      id: r.id,
      kickoff: new Date(r.kickoff),
      season: r.season,
      status: r.status,
      neutral: r.neutral,
      homeGoals: r.home_goals,
      awayGoals: r.away_goals,
      competition: { code: r.competition, name: r.competition_name },
      homeTeam: { id: r.home_id, name: r.home_name },
      awayTeam: { id: r.away_id, name: r.away_name },
      odds: r.odds,
      form: { home: formOf(r.home_id, r.home_form), away: formOf(r.away_id, r.away_form) },
      dataVersion: `${new Date(r.updated_at).getTime()}:${
        r.odds
          .map((o) => o.capturedAt)
          .sort()
          .at(-1) ?? ''
      }`,
    };
  }

  upcomingIds(query: {
    competition?: string;
    from: Date;
    to?: Date;
    offset: number;
    limit: number;
  }) {
    return this.repository.upcomingIds(
      query.competition ?? null,
      query.from,
      query.to ?? null,
      query.offset,
      query.limit,
    );
  }

  /** The fixtures still to be played among these matches / in these competitions. */
  upcomingAmong(query: { matchIds?: number[]; competitions?: string[] }): Promise<number[]> {
    return this.repository.upcomingAmong(query.matchIds ?? null, query.competitions ?? null);
  }

  teams(ids: number[]) {
    return this.repository.teams(ids);
  }

  /** These competitions' codes, each with how many of its matches have a result. */
  competitionsWithResults(
    competitionIds: number[],
  ): Promise<Array<{ code: string; finished: number }>> {
    return this.repository.competitionsWithResults(competitionIds);
  }

  /** The code a `competition` filter (code or id) names, or a 400 naming the field. */
  competitionCode(filter: string, field?: string): Promise<string> {
    return competitionCodeOf(this.em, filter, field);
  }

  /** The code of the competition a code or an id names; undefined when none does. */
  findCompetitionCode(codeOrId: string): Promise<string | undefined> {
    return findCompetitionCode(this.em, codeOrId);
  }

  async competitionCodes(): Promise<string[]> {
    return (await this.repository.competitionCodes()).map((r) => r.code);
  }
}

/**
 * The prices of a stored odds list the models read (1X2, over/under 2.5, both teams to score per
 * phase), preferring the market average, as the training loader picks them.
 */
export function fixtureOdds(odds: StoredOdds[]): MatchInput['odds'] {
  const pick = (market: string, phase: string) => {
    const candidates = odds.filter((o) => o.market === market && o.phase === phase);
    return (candidates.find((o) => o.bookmaker === 'market-average') ?? candidates[0])?.prices;
  };
  return modelOdds(
    phased(prices1x2(pick('1x2', 'opening') ?? null), prices1x2(pick('1x2', 'closing') ?? null)),
    phased(pricesOu25(pick('ou25', 'opening')), pricesOu25(pick('ou25', 'closing'))),
    phased(pricesBtts(pick('btts', 'opening')), pricesBtts(pick('btts', 'closing'))),
  );
}
