import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { asciiJson } from '../common/http/ascii-json';
import { ReadinessRegistry } from '../infrastructure/health/readiness.registry';
import { METRICS } from '../infrastructure/metrics/metric-catalogue';
import { MetricsService } from '../infrastructure/metrics/metrics.service';
import { DomainEvents, type DomainEventMap } from '../common/events/domain-events';
import { NotFoundProblem, ProblemException } from '../common/problem/problem.exception';
import {
  fixtureOdds,
  MatchDataService,
  teamKey,
  type FixtureDetail,
} from '../matches/read/match-data.service';
import { forecastFixture, UnpriceableFixtureError, type Fixture } from '../modelling';
import { ModelRegistryService, type ServingVersion } from '../training/model-registry.service';
import { servesChallenger } from './ab-assignment';
import { LedgerService } from './ledger/ledger.service';
import { servedAfterKickoff } from './ledger/void-reason';
import { FixtureDetailCache } from './fixture-detail-cache';
import { entityTag, PredictionCache } from './prediction-cache';
import { buildPrediction, type ServedPrediction } from './prediction-document';

export type Variant = 'champion' | 'challenger' | 'requested';

export interface PredictionResult {
  /** The serialised prediction, exactly as cached and frozen. */
  json: string;
  /** Its UTF-8 bytes, when a cache hit has them at hand (sent instead of the string). */
  bytes?: Buffer;
  /** Its entity tag (ETag): the same JSON, the same tag. */
  etag: string;
  variant: Variant;
  cache: 'hit' | 'miss' | 'bypass';
  versionId: string;
  /** Served after kick-off from the ledger: when this version froze it (ISO 8601). */
  frozenAt?: string;
  /** Computed once the match could no longer be frozen, with no entry of this version. */
  madeAfterKickoff?: true;
}

export interface PredictOptions {
  /** A specific model version instead of the champion / challenger. */
  versionId?: string;
  /** Who is asking, for the sticky A/B split (user, API key or address). */
  callerKey: string;
  /** Recompute even if cached (Cache-Control: no-cache). */
  bypassCache?: boolean;
}

interface VersionChoice {
  version: ServingVersion;
  variant: Variant;
  /** The other side of the A/B split, frozen alongside. */
  other?: ServingVersion;
}

interface MatchMeta {
  competition: string;
  kickoff: number;
  status: string;
  loadedAt: number;
}

const META_TTL_MS = 60_000;
const META_MAX = 50_000;
const SERVED_COUNTERS_MAX = 1_000;
/** Statuses in which a prediction may still be frozen (a cancelled match is never scored). */
const NOT_STARTED = new Set(['scheduled', 'postponed']);
/** Match ids per `prediction.updated` event. */
const ANNOUNCE_BATCH = 500;

/**
 * Sealed means made before anything was known: a result or a live score can arrive before the
 * stored kick-off (sources disagree on the time). Once this is false, a prediction is neither
 * frozen nor served fresh in place of the frozen one.
 */
function freezable(match: { kickoff: number; status: string }, now: number): boolean {
  return now < match.kickoff && NOT_STARTED.has(match.status);
}

/**
 * Serves predictions: picks the version (requested, else champion or sticky challenger), answers
 * from the cache, else computes from the in-memory parameters, freezes the first pre-kick-off
 * prediction of each version in the ledger, and caches it.
 */
@Injectable()
export class PredictionsService implements OnModuleInit {
  /** Competition and kick-off per match, so a cache hit needs no database read. */
  private readonly meta = new Map<number, MatchMeta>();
  private readonly served;
  private readonly servedByVersion = new Map<string, { inc(): void }>();

  constructor(
    private readonly matchData: MatchDataService,
    private readonly registry: ModelRegistryService,
    private readonly cache: PredictionCache,
    private readonly details: FixtureDetailCache,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsService,
  ) {
    this.served = metrics.counter(METRICS.predictionsServed);
  }

  onModuleInit(): void {
    // Ready when every champion's parameters load (or when no champion exists yet).
    this.readiness.register('champion', async () => {
      const champions = [...(await this.registry.allAliases())]
        .filter(([, aliases]) => aliases.champion)
        .map(([scope, aliases]) => [scope, aliases.champion?.id as string] as const);
      for (const [, id] of champions) await this.registry.parametersOf(id);
      return champions.length > 0
        ? { champions: Object.fromEntries(champions) }
        : { champions: 'none yet' };
    });
    // Cache first, then the announcement: a receiver fetching at once gets the new prediction.
    this.events.on('match.updated', async ({ matchIds }) => {
      for (const id of matchIds) this.meta.delete(id);
      // Inputs first: a prediction recomputed once its cache entry is gone reads the new data.
      await this.details.invalidate();
      await this.cache.invalidateMatches(matchIds);
      await this.announce(await this.matchData.upcomingAmong({ matchIds }), {
        reason: 'match.updated',
      });
    });
    // New matches (imports announce no match.updated for them) change other matches' form.
    this.events.on('import.finished', () => this.details.invalidate());
    this.events.on('model.promoted', async (promotion) => {
      await this.cache.invalidateAll();
      await this.announcePromotion(promotion);
    });
  }

  /**
   * A new champion changes what its scope serves; a new challenger only for the callers it gets
   * (AB_CHALLENGER_SHARE). A global model serves the competitions without a champion of their own.
   */
  private async announcePromotion(promotion: DomainEventMap['model.promoted']): Promise<void> {
    if (promotion.alias !== 'champion' && this.config.challengerShare === 0) return;
    const versionId = promotion.versionId ?? promotion.previousVersionId;
    if (!versionId) return;
    const version = await this.registry.get(versionId);
    const competitions = [];
    for (const competition of version.competitions) {
      const serving = await this.registry.servingFor(competition);
      if (promotion.scope !== 'global' || serving.scope !== competition) {
        competitions.push(competition);
      }
    }
    if (competitions.length === 0) return;
    await this.announce(await this.matchData.upcomingAmong({ competitions }), {
      reason: 'model.promoted',
      scope: promotion.scope,
      versionId: promotion.versionId,
    });
  }

  /** `prediction.updated` in batches, so one promotion never makes a huge event. */
  private async announce(
    matchIds: number[],
    details: Omit<DomainEventMap['prediction.updated'], 'matchIds'>,
  ): Promise<void> {
    for (let start = 0; start < matchIds.length; start += ANNOUNCE_BATCH) {
      await this.events.emit('prediction.updated', {
        matchIds: matchIds.slice(start, start + ANNOUNCE_BATCH),
        ...details,
      });
    }
  }

  /**
   * The cached prediction when it can be answered from memory and the cache alone (the match's
   * competition is known here, and the prediction is cached for the version this caller gets);
   * else undefined, and predict() does the rest. The route's fast path asks this first.
   */
  async cached(matchId: number, options: PredictOptions): Promise<PredictionResult | undefined> {
    const meta = this.freshMeta(matchId);
    // After kick-off the ledger decides what is served: predict() reads it.
    if (!meta || options.bypassCache || !freezable(meta, Date.now())) return undefined;
    return this.lookUp(matchId, await this.chooseVersion(meta.competition, options));
  }

  async predict(matchId: number, options: PredictOptions): Promise<PredictionResult> {
    let loaded: FixtureDetail | undefined;
    let meta = this.freshMeta(matchId);
    if (!meta) {
      loaded = await this.detailOf(matchId);
      meta = this.remember(loaded);
    }
    const choice = await this.chooseVersion(meta.competition, options);
    const closed = !freezable(meta, Date.now());
    if (closed) {
      // What this version predicted before kick-off, not a recomputation that may have been
      // trained on this very match.
      const frozen = await this.frozen(matchId, choice, options, meta.kickoff);
      if (frozen) return frozen;
    }
    if (!options.bypassCache) {
      // Cached while closed and not frozen: any entry cached before kick-off was frozen too.
      const hit = await this.lookUp(matchId, choice);
      if (hit) return closed ? { ...hit, madeAfterKickoff: true } : hit;
      this.cache.record('miss');
    }
    const { version, variant, other } = choice;
    const detail = loaded ?? (await this.detailOf(matchId));
    const now = new Date();
    // An entry frozen now would be made with hindsight and never scored (its match.finished
    // has passed).
    const sealed = freezable({ kickoff: detail.kickoff.getTime(), status: detail.status }, +now);
    if (!sealed && !closed) {
      // Kicked off (or a result came) since the check above: the frozen entry still wins.
      const frozen = await this.frozen(matchId, choice, options, detail.kickoff.getTime());
      if (frozen) return frozen;
    }
    this.countServed(version);
    const prediction = await this.compute(detail, version, now);
    const json = asciiJson(prediction);
    const etag = entityTag(json);
    if (sealed) {
      await this.ledger.freeze(prediction, now);
      // The other side of the A/B split is frozen too, so both are scored on the same matches.
      if (other) await this.ledger.freeze(await this.compute(detail, other, now), now);
    }
    await this.cache.set(matchId, version.id, { json, etag });
    return {
      json,
      etag,
      variant,
      cache: options.bypassCache ? 'bypass' : 'miss',
      versionId: version.id,
      ...(sealed ? {} : { madeAfterKickoff: true as const }),
    };
  }

  /**
   * The chosen version's ledger entry for the match, as frozen, if it froze one; marked made
   * after kick-off when the match's kick-off has since moved to or before the moment it was
   * frozen (such an entry is never scored: ledger/void-reason.ts).
   */
  private async frozen(
    matchId: number,
    { version, variant }: VersionChoice,
    options: PredictOptions,
    kickoffMs: number,
  ): Promise<PredictionResult | undefined> {
    const served = (frozenAt: string) => ({
      variant,
      versionId: version.id,
      ...(servedAfterKickoff(frozenAt, kickoffMs) ? { madeAfterKickoff: true as const } : {}),
    });
    const cached = options.bypassCache
      ? undefined
      : await this.cache.getFrozen(matchId, version.id);
    if (cached) {
      this.cache.record('hit');
      this.countServed(version);
      return { ...cached, ...served(cached.frozenAt), cache: 'hit' };
    }
    const entry = await this.ledger.frozenPrediction(matchId, version.id);
    if (!entry) return undefined;
    if (!options.bypassCache) this.cache.record('miss');
    this.countServed(version);
    const json = asciiJson(entry.prediction);
    const prediction = { json, etag: entityTag(json), frozenAt: entry.servedAt.toISOString() };
    await this.cache.setFrozen(matchId, version.id, prediction);
    return {
      ...prediction,
      ...served(prediction.frozenAt),
      cache: options.bypassCache ? 'bypass' : 'miss',
    };
  }

  private async lookUp(
    matchId: number,
    { version, variant }: VersionChoice,
  ): Promise<PredictionResult | undefined> {
    const cached = await this.cache.get(matchId, version.id);
    if (cached === undefined) return undefined;
    this.cache.record('hit');
    this.countServed(version);
    return { ...cached, variant, cache: 'hit', versionId: version.id };
  }

  /** predictions_served_total, with the bound counter per version kept (label hashing is per call). */
  private countServed(version: ServingVersion): void {
    let counter = this.servedByVersion.get(version.id);
    if (!counter) {
      if (this.servedByVersion.size >= SERVED_COUNTERS_MAX) this.servedByVersion.clear();
      counter = this.served.labels({ model: version.modelType, model_version: version.id });
      this.servedByVersion.set(version.id, counter);
    }
    counter.inc();
  }

  /** Predictions of the fixtures not yet played in a window, soonest first. */
  async upcoming(query: {
    competition?: string;
    from?: Date;
    to?: Date;
    offset: number;
    limit: number;
    callerKey: string;
  }): Promise<{
    /** Each fixture's served JSON (as cached and frozen), or why there is none. */
    items: Array<{
      matchId: number;
      json?: string;
      unavailable?: string;
      frozenAt?: string;
      madeAfterKickoff?: true;
    }>;
    total: number;
  }> {
    const { ids, total } = await this.matchData.upcomingIds({
      ...(query.competition
        ? { competition: await this.matchData.competitionCode(query.competition) }
        : {}),
      from: query.from ?? new Date(),
      ...(query.to ? { to: query.to } : {}),
      offset: query.offset,
      limit: query.limit,
    });
    const items = [];
    for (const matchId of ids) {
      try {
        const { json, frozenAt, madeAfterKickoff } = await this.predict(matchId, {
          callerKey: query.callerKey,
        });
        // A past window may list fixtures whose kick-off has passed (still "scheduled").
        items.push({
          matchId,
          json,
          ...(frozenAt ? { frozenAt } : {}),
          ...(madeAfterKickoff ? { madeAfterKickoff } : {}),
        });
      } catch (error) {
        if (!(error instanceof ProblemException)) throw error;
        items.push({ matchId, unavailable: error.message });
      }
    }
    return { items, total };
  }

  /** Hypothetical fixtures between stored teams: computed, never cached or frozen. */
  async simulate(
    fixtures: Array<{
      homeTeamId: number;
      awayTeamId: number;
      neutral?: boolean;
      competition?: string;
    }>,
    options: PredictOptions,
  ): Promise<Array<ServedPrediction & { warnings: string[] }>> {
    const ids = [...new Set(fixtures.flatMap((f) => [f.homeTeamId, f.awayTeamId]))];
    const teams = new Map((await this.matchData.teams(ids)).map((t) => [t.id, t]));
    // Up to 50 fixtures, usually of one competition: each named competition looked up once.
    const codes = new Map<string, string>();
    const codeOf = async (given: string, field: string) => {
      const code = codes.get(given) ?? (await this.matchData.competitionCode(given, field));
      codes.set(given, code);
      return code;
    };
    const out = [];
    for (const [index, f] of fixtures.entries()) {
      const home = teams.get(f.homeTeamId);
      const away = teams.get(f.awayTeamId);
      if (!home || !away) {
        const [field, id] = !home ? ['homeTeamId', f.homeTeamId] : ['awayTeamId', f.awayTeamId];
        throw new NotFoundProblem('team', id, {
          field: `fixtures.${index}.${field}`,
          reason: 'no team has this id',
        });
      }
      if (home.id === away.id) {
        throw new ProblemException(
          400,
          'validation-failed',
          'Validation failed',
          'a team cannot play itself',
          [{ field: `fixtures.${index}.awayTeamId`, reason: 'must differ from homeTeamId' }],
        );
      }
      const competition =
        f.competition === undefined
          ? (home.competition ?? away.competition)
          : await codeOf(f.competition, `fixtures.${index}.competition`);
      if (!competition) {
        throw new ProblemException(
          422,
          'no-competition',
          'No competition',
          `team ${home.id} has no matches: give "competition"`,
          [
            {
              field: `fixtures.${index}.competition`,
              reason: 'required when the teams have no matches',
            },
          ],
        );
      }
      const { version } = await this.chooseVersion(competition, options).catch((error) => {
        // No model covers it: name the fixture's field, as every other refusal here does (the
        // model asked for is not found: that one names `model`, and is not-found).
        if (!(error instanceof ProblemException)) throw error;
        if (error.slug !== 'no-model' && error.slug !== 'unpriceable') throw error;
        throw new ProblemException(error.getStatus(), error.slug, error.title, error.message, [
          {
            field: `fixtures.${index}.competition`,
            reason: f.competition ? 'no model covers it' : `no model covers ${competition}`,
          },
        ]);
      });
      const params = await this.registry.parametersOf(version.id);
      const season = params.elo?.[competition]?.competitions[competition]?.season ?? 'simulated';
      const detail: FixtureDetail = {
        id: 0,
        kickoff: new Date(),
        season,
        status: 'simulated',
        neutral: f.neutral ?? false,
        homeGoals: null,
        awayGoals: null,
        competition: { code: competition, name: competition },
        homeTeam: { id: home.id, name: home.name },
        awayTeam: { id: away.id, name: away.name },
        odds: [],
        form: { home: [], away: [] },
        dataVersion: 'simulated',
      };
      const known = (id: number) =>
        params.dixonColes?.[competition]?.teams.includes(teamKey(id)) ??
        params.elo?.[competition]?.teams[teamKey(id)] !== undefined;
      const warnings = [home, away]
        .filter((t) => !known(t.id))
        .map(
          (t) =>
            `${t.name} has no rating in ${competition} in this model: rated as a newly promoted team`,
        );
      out.push({ ...(await this.compute(detail, version, new Date())), warnings });
    }
    return out;
  }

  cacheStats() {
    return this.cache.stats();
  }

  private async compute(
    detail: FixtureDetail,
    version: ServingVersion,
    now: Date,
  ): Promise<ServedPrediction> {
    const params = await this.registry.parametersOf(version.id);
    const odds = fixtureOdds(detail.odds);
    const fixture: Fixture = {
      id: String(detail.id),
      kickoff: detail.kickoff.getTime(),
      homeTeam: teamKey(detail.homeTeam.id),
      awayTeam: teamKey(detail.awayTeam.id),
      competition: detail.competition.code,
      season: detail.season,
      neutral: detail.neutral,
      ...(odds ? { odds } : {}),
    };
    try {
      return buildPrediction(detail, version, forecastFixture(params, fixture), now);
    } catch (error) {
      if (error instanceof UnpriceableFixtureError) {
        throw new ProblemException(
          422,
          'unpriceable',
          'Model cannot price this match',
          error.message,
        );
      }
      throw error;
    }
  }

  private async chooseVersion(
    competition: string,
    options: PredictOptions,
  ): Promise<VersionChoice> {
    if (options.versionId) {
      const v = await this.registry.get(options.versionId).catch((error) => {
        // The version was asked for by `?model=` or the body's `model`: name that field.
        if (!(error instanceof NotFoundProblem)) throw error;
        throw new NotFoundProblem('model', options.versionId!, {
          field: 'model',
          reason: 'no model version has this id',
        });
      });
      if (!v.competitions.includes(competition)) {
        throw new ProblemException(
          422,
          'unpriceable',
          'Model cannot price this match',
          `model ${v.id} was not trained on ${competition}`,
          [{ field: 'model', reason: `not trained on ${competition}` }],
        );
      }
      // The champion or challenger asked for by id is still one side of the split: its cached
      // prediction is what that side's callers get next, so the other side is frozen with it.
      const serving = await this.registry.servingFor(competition);
      const other =
        v.id === serving.champion?.id
          ? serving.challenger
          : v.id === serving.challenger?.id
            ? serving.champion
            : undefined;
      return {
        version: {
          id: v.id,
          scope: v.scope,
          modelType: v.modelType,
          competitions: v.competitions,
          asOf: v.asOf,
          expectedRps: null,
        },
        variant: 'requested',
        ...(other ? { other } : {}),
      };
    }
    const serving = await this.registry.servingFor(competition);
    if (!serving.champion) {
      throw new ProblemException(
        404,
        'no-model',
        'No model for this competition',
        `no champion model covers ${competition}: train one with POST /v1/training-runs`,
      );
    }
    const challenger = serving.challenger;
    if (
      challenger &&
      servesChallenger(challenger.id, options.callerKey, this.config.challengerShare)
    ) {
      return { version: challenger, variant: 'challenger', other: serving.champion };
    }
    return {
      version: serving.champion,
      variant: 'champion',
      ...(challenger ? { other: challenger } : {}),
    };
  }

  private freshMeta(matchId: number): MatchMeta | undefined {
    const known = this.meta.get(matchId);
    return known && Date.now() - known.loadedAt < META_TTL_MS ? known : undefined;
  }

  private async detailOf(matchId: number): Promise<FixtureDetail> {
    const detail = await this.details.get(matchId, (id) => this.matchData.fixture(id));
    if (!detail) throw new NotFoundProblem('match', matchId);
    this.remember(detail);
    return detail;
  }

  private remember(detail: FixtureDetail): MatchMeta {
    const meta = {
      competition: detail.competition.code,
      kickoff: detail.kickoff.getTime(),
      status: detail.status,
      loadedAt: Date.now(),
    };
    if (this.meta.size >= META_MAX) this.meta.clear();
    this.meta.set(detail.id, meta);
    return meta;
  }
}
