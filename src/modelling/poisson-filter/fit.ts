// Runs the Poisson rating filter over the finished matches before asOf in kick-off order. A
// previous fit of the same data (same hyperparameters and exactly its matchCount finished matches
// before its asOf) is continued instead of replayed: the result is identical, only cheaper.
import type { MatchInput } from '../types';
import {
  INITIAL_HOME_ADVANTAGE,
  INITIAL_INTERCEPT,
  type PoissonFilterCompetition,
  type PoissonFilterHyperparameters,
  type PoissonFilterParameters,
  type PoissonFilterTeam,
} from './model';
import { byKickoff, isFinished } from '../match-order';

const DAY_MS = 86_400_000;

function sameHyperparameters(a: PoissonFilterHyperparameters, b: PoissonFilterHyperparameters) {
  return (Object.keys(a) as (keyof PoissonFilterHyperparameters)[]).every((k) => a[k] === b[k]);
}

class Filter {
  readonly teams: Map<string, PoissonFilterTeam>;
  readonly competitions: Map<string, PoissonFilterCompetition>;

  constructor(
    private readonly hp: PoissonFilterHyperparameters,
    from?: PoissonFilterParameters,
  ) {
    this.teams = new Map(Object.entries(from?.teams ?? {}).map(([k, v]) => [k, { ...v }]));
    this.competitions = new Map(
      Object.entries(from?.competitions ?? {}).map(([k, v]) => [k, { ...v }]),
    );
  }

  private competition(name: string, season: string): PoissonFilterCompetition {
    let c = this.competitions.get(name);
    if (!c) {
      c = {
        intercept: INITIAL_INTERCEPT,
        homeAdvantage: INITIAL_HOME_ADVANTAGE,
        season,
        founding: true,
      };
      this.competitions.set(name, c);
    } else if (c.season !== season) {
      c.season = season;
      c.founding = false;
    }
    return c;
  }

  /** The team's state just before a match at `kickoff`: created, aged and season-regressed. */
  private team(
    name: string,
    competition: PoissonFilterCompetition,
    competitionName: string,
    season: string,
    kickoff: number,
  ): PoissonFilterTeam {
    const hp = this.hp;
    let t = this.teams.get(name);
    if (!t) {
      t = {
        attack: competition.founding ? 0 : hp.newTeamAttack,
        defence: competition.founding ? 0 : hp.newTeamDefence,
        attackVariance: hp.initialVariance,
        defenceVariance: hp.initialVariance,
        lastKickoff: kickoff,
        season,
        competition: competitionName,
      };
      this.teams.set(name, t);
      return t;
    }
    const days = Math.max(0, (kickoff - t.lastKickoff) / DAY_MS);
    let added = hp.dailyVariance * days;
    if (t.season !== season) {
      const keep = 1 - hp.seasonRegression;
      t.attack *= keep;
      t.defence *= keep;
      added += hp.seasonVariance;
      t.season = season;
      t.competition = competitionName;
    }
    t.attackVariance = Math.min(hp.initialVariance, t.attackVariance + added);
    t.defenceVariance = Math.min(hp.initialVariance, t.defenceVariance + added);
    t.lastKickoff = kickoff;
    return t;
  }

  update(m: MatchInput): void {
    const hp = this.hp;
    const c = this.competition(m.competition, m.season);
    const home = this.team(m.homeTeam, c, m.competition, m.season, m.kickoff);
    const away = this.team(m.awayTeam, c, m.competition, m.season, m.kickoff);
    const advantage = m.neutral ? 0 : c.homeAdvantage;
    // The home rate carries two league states (intercept, home advantage), the away rate one.
    const leagueHome = hp.leagueVariance * (m.neutral ? 1 : 2);
    const lambda = Math.exp(c.intercept + advantage + home.attack - away.defence);
    const mu = Math.exp(c.intercept + away.attack - home.defence);
    // Prior variance of each log-rate (states independent), then one Newton step per rate.
    const sHome = leagueHome + home.attackVariance + away.defenceVariance;
    const sAway = hp.leagueVariance + away.attackVariance + home.defenceVariance;
    const kHome = ((m.homeGoals as number) - lambda) / (1 + sHome * lambda);
    const kAway = ((m.awayGoals as number) - mu) / (1 + sAway * mu);
    c.intercept += hp.leagueVariance * (kHome + kAway);
    if (!m.neutral) c.homeAdvantage += hp.leagueVariance * kHome;
    home.attack += home.attackVariance * kHome;
    away.defence -= away.defenceVariance * kHome;
    away.attack += away.attackVariance * kAway;
    home.defence -= home.defenceVariance * kAway;
    const shrinkHome = lambda / (1 + sHome * lambda);
    const shrinkAway = mu / (1 + sAway * mu);
    home.attackVariance -= home.attackVariance * home.attackVariance * shrinkHome;
    away.defenceVariance -= away.defenceVariance * away.defenceVariance * shrinkHome;
    away.attackVariance -= away.attackVariance * away.attackVariance * shrinkAway;
    home.defenceVariance -= home.defenceVariance * home.defenceVariance * shrinkAway;
  }

  toJSON(): Pick<PoissonFilterParameters, 'teams' | 'competitions'> {
    return {
      teams: Object.fromEntries([...this.teams].map(([k, v]) => [k, { ...v }])),
      competitions: Object.fromEntries([...this.competitions].map(([k, v]) => [k, { ...v }])),
    };
  }
}

export function fitPoissonFilter(
  matches: readonly MatchInput[],
  asOf: number,
  hp: PoissonFilterHyperparameters,
  previous?: PoissonFilterParameters,
): PoissonFilterParameters {
  if (!(hp.initialVariance > 0) || !(hp.dailyVariance >= 0) || !(hp.leagueVariance >= 0)) {
    throw new RangeError('variances must be non-negative (the initial one positive)');
  }
  const played = matches.filter((m) => m.kickoff < asOf && isFinished(m));
  let from: PoissonFilterParameters | undefined;
  if (previous && previous.asOf <= asOf && sameHyperparameters(previous.hyperparameters, hp)) {
    let before = 0;
    for (const m of played) if (m.kickoff < previous.asOf) before++;
    if (before === previous.matchCount) from = previous;
  }
  const since = from ? from.asOf : Number.NEGATIVE_INFINITY;
  const replay = played.filter((m) => m.kickoff >= since).sort(byKickoff);
  const filter = new Filter(hp, from);
  for (const m of replay) filter.update(m);
  return {
    model: 'poisson-filter',
    hyperparameters: { ...hp },
    asOf,
    matchCount: played.length,
    ...filter.toJSON(),
  };
}
