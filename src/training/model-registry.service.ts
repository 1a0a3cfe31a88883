import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvents } from '../common/events/domain-events';
import { NotFoundProblem, ProblemException } from '../common/problem/problem.exception';
import type { ServedModelParameters } from '../modelling';
import {
  ModelAlias,
  ModelAliasEvent,
  ModelVersion,
  type AliasAction,
  type ModelAliasName,
  type TrainingTrigger,
} from './entities';

const aliasesChanged = (scope: string, why: string) =>
  new ProblemException(
    409,
    'aliases-changed',
    'Aliases changed',
    `the aliases of ${scope} changed: ${why}`,
  );

/** The version serving a scope, as the prediction path needs it. */
export interface ServingVersion {
  id: string;
  scope: string;
  modelType: string;
  competitions: string[];
  asOf: Date;
  /** Backtest RPS on the held-out weeks: the expectation drift is measured against. */
  expectedRps: number | null;
}

export interface ScopeAliases {
  champion?: ServingVersion;
  challenger?: ServingVersion;
}

export const GLOBAL_SCOPE = 'global';
/** Other replicas' promotions become visible within this long. */
const ALIAS_REFRESH_MS = 2000;
const LOADED_MODELS = 16;

const notChampion = (versionId: string, scope: string) =>
  new ProblemException(
    409,
    'not-champion',
    'Not the champion',
    `model ${versionId} is not the champion of ${scope}; only the champion can be rolled back`,
  );

const servingOf = (v: ModelVersion): ServingVersion => ({
  id: v.id,
  scope: v.scope,
  modelType: v.modelType,
  competitions: v.competitions,
  asOf: v.asOf,
  expectedRps: v.evaluation.model?.outcomes.rps ?? null,
});

/**
 * Model versions and the champion / challenger aliases per scope. Aliases are cached in memory
 * (refreshed every 2 s, and at once after a local change) and parameters of recently used
 * versions stay loaded, so serving a prediction reads neither from the database.
 */
@Injectable()
export class ModelRegistryService {
  private readonly logger = new Logger(ModelRegistryService.name);
  private aliases = new Map<string, ScopeAliases>();
  private aliasesLoadedAt = 0;
  private aliasesLoading?: Promise<void>;
  /** Bumped by every local alias change: a load that began before one must not be kept. */
  private aliasesGeneration = 0;
  private readonly parameters = new Map<string, ServedModelParameters>();

  constructor(
    private readonly em: EntityManager,
    private readonly events: DomainEvents,
  ) {}

  async list(
    filter: { scope?: string; modelType?: string },
    offset: number,
    limit: number,
  ): Promise<{ items: ModelVersion[]; total: number }> {
    const [items, total] = await this.em.fork().findAndCount(
      ModelVersion,
      {
        ...(filter.scope ? { scope: filter.scope } : {}),
        ...(filter.modelType ? { modelType: filter.modelType as never } : {}),
      },
      { orderBy: { createdAt: 'desc', id: 'desc' }, offset, limit },
    );
    return { items, total };
  }

  async get(id: string, withParameters = false): Promise<ModelVersion> {
    const version = await this.em
      .fork()
      .findOne(ModelVersion, { id }, withParameters ? { populate: ['parameters'] } : {});
    if (!version) throw new NotFoundProblem('model', id);
    return version;
  }

  /** Aliases each version holds, for views. */
  async aliasesOf(versionIds: string[]): Promise<Map<string, ModelAliasName[]>> {
    const rows = await this.em.fork().find(ModelAlias, { version: { $in: versionIds } });
    const out = new Map<string, ModelAliasName[]>();
    for (const row of rows)
      out.set(row.version.id, [...(out.get(row.version.id) ?? []), row.alias]);
    return out;
  }

  /** A page of a scope's alias changes, newest (last recorded) first, and how many there are. */
  async history(
    scope: string,
    offset: number,
    limit: number,
  ): Promise<{ items: ModelAliasEvent[]; total: number }> {
    const [items, total] = await this.em
      .fork()
      .findAndCount(ModelAliasEvent, { scope }, { orderBy: { id: 'desc' }, offset, limit });
    return { items, total };
  }

  /** Champion and challenger of the scope that serves a competition: its own, else global. */
  async servingFor(competition: string): Promise<ScopeAliases & { scope?: string }> {
    await this.refreshAliases();
    const own = this.aliases.get(competition);
    if (own?.champion) return { ...own, scope: competition };
    const global = this.aliases.get(GLOBAL_SCOPE);
    if (!global?.champion?.competitions.includes(competition)) return {};
    // A global challenger trained on fewer competitions cannot price the others: there the
    // champion serves every caller alone (else its callers too would get 422 from freezing it).
    const challenger = global.challenger?.competitions.includes(competition)
      ? global.challenger
      : undefined;
    return {
      champion: global.champion,
      ...(challenger ? { challenger } : {}),
      scope: GLOBAL_SCOPE,
    };
  }

  async allAliases(): Promise<Map<string, ScopeAliases>> {
    await this.refreshAliases();
    return this.aliases;
  }

  /** Parameters of a version, kept in memory for the most recently used versions. */
  async parametersOf(versionId: string): Promise<ServedModelParameters> {
    const loaded = this.parameters.get(versionId);
    if (loaded) {
      // Re-insert: Map order is the LRU order.
      this.parameters.delete(versionId);
      this.parameters.set(versionId, loaded);
      return loaded;
    }
    const version = await this.get(versionId, true);
    this.parameters.set(versionId, version.parameters);
    if (this.parameters.size > LOADED_MODELS) {
      this.parameters.delete(this.parameters.keys().next().value as string);
    }
    return version.parameters;
  }

  async promote(
    versionId: string,
    alias: ModelAliasName,
    actor: string | null,
    action: AliasAction = 'promote',
    reason: string | null = null,
    /**
     * The champion it replaces, which must still be the champion: a rollback's, or the one an
     * automatic promotion compared the challenger with (which must still be the challenger).
     */
    replacing?: string,
  ): Promise<ModelVersion> {
    const version = await this.get(versionId);
    const changes = await this.em.fork().transactional(async (tx) => {
      // Serialises alias changes per scope: two promotions at once would both insert the alias
      // row (a 500) or both record the same previous version (a wrong rollback stack).
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [
        `oracxpred:model-aliases:${version.scope}`,
      ]);
      const done: Array<{ alias: ModelAliasName; previous: string | null; next: string | null }> =
        [];
      const current = await tx.findOne(ModelAlias, { scope: version.scope, alias });
      if (replacing && current?.version.id !== replacing) {
        if (action === 'rollback') throw notChampion(replacing, version.scope);
        throw aliasesChanged(version.scope, `${replacing} is no longer its champion`);
      }
      if (current?.version.id === version.id) {
        throw new ProblemException(
          409,
          'already-' + alias,
          `Already ${alias}`,
          `model ${versionId} is already the ${alias} of ${version.scope}`,
        );
      }
      // A challenger promoted to champion stops being the challenger.
      if (alias === 'champion') {
        const challenger = await tx.findOne(ModelAlias, {
          scope: version.scope,
          alias: 'challenger',
        });
        if (action === 'auto-promote' && replacing && challenger?.version.id !== version.id) {
          throw aliasesChanged(version.scope, `${version.id} is no longer its challenger`);
        }
        if (challenger?.version.id === version.id) {
          tx.remove(challenger);
          tx.create(ModelAliasEvent, {
            scope: version.scope,
            alias: 'challenger',
            versionId: null,
            previousVersionId: version.id,
            action: 'clear',
            actor,
            reason: 'promoted to champion',
          });
          done.push({ alias: 'challenger', previous: version.id, next: null });
        }
      }
      if (alias === 'challenger') {
        const champion = await tx.findOne(ModelAlias, { scope: version.scope, alias: 'champion' });
        if (champion?.version.id === version.id) {
          throw new ProblemException(
            409,
            'is-champion',
            'Model is the champion',
            `model ${versionId} is the champion of ${version.scope}`,
          );
        }
      }
      const previous = current?.version.id ?? null;
      if (current) {
        current.version = tx.getReference(ModelVersion, version.id);
        current.updatedAt = new Date();
      } else {
        tx.create(ModelAlias, {
          scope: version.scope,
          alias,
          version: tx.getReference(ModelVersion, version.id),
        });
      }
      tx.create(ModelAliasEvent, {
        scope: version.scope,
        alias,
        versionId: version.id,
        previousVersionId: previous,
        action,
        actor,
        reason,
      });
      done.push({ alias, previous, next: version.id });
      return done;
    });
    await this.afterAliasChange(version.scope, changes);
    return version;
  }

  /** The champion of the model's scope goes back to the version it replaced. */
  async rollback(versionId: string, actor: string | null): Promise<ModelVersion> {
    const version = await this.get(versionId);
    const em = this.em.fork();
    const champion = await em.findOne(ModelAlias, { scope: version.scope, alias: 'champion' });
    if (champion?.version.id !== version.id) throw notChampion(versionId, version.scope);
    // Champions form a stack: promotions push, rollbacks pop; the version below the top is next.
    const events = await em.find(
      ModelAliasEvent,
      { scope: version.scope, alias: 'champion' },
      { orderBy: { id: 'asc' } },
    );
    const stack: string[] = [];
    for (const event of events) {
      if (event.action === 'rollback') stack.pop();
      else if (event.versionId) stack.push(event.versionId);
    }
    const previous = stack.at(-2);
    if (!previous) {
      throw new ProblemException(
        409,
        'nothing-to-roll-back',
        'Nothing to roll back to',
        `model ${versionId} is the first champion of ${version.scope} still in its history`,
      );
    }
    return this.promote(
      previous,
      'champion',
      actor,
      'rollback',
      `rolled back from ${version.id}`,
      version.id,
    );
  }

  /**
   * A new version becomes champion of an empty scope; scheduled retrains become challengers. Once
   * only: a version already in the alias history (promoted by an earlier attempt of its run, or
   * by an admin since) is left where it is, so a retried run neither fails on "already
   * challenger" nor undoes what was decided meanwhile.
   */
  async afterTraining(version: ModelVersion, trigger: TrainingTrigger): Promise<void> {
    const em = this.em.fork();
    const history = { scope: version.scope, versionId: version.id };
    if ((await em.count(ModelAliasEvent, history)) > 0) return;
    const champion = await em.findOne(ModelAlias, { scope: version.scope, alias: 'champion' });
    if (!champion) {
      await this.promote(version.id, 'champion', null, 'auto-promote', 'first model of its scope');
    } else if (trigger !== 'api') {
      await this.promote(version.id, 'challenger', null, 'auto-promote', `retrained (${trigger})`);
    }
  }

  private async afterAliasChange(
    scope: string,
    changes: Array<{ alias: ModelAliasName; previous: string | null; next: string | null }>,
  ): Promise<void> {
    this.aliasesGeneration++;
    this.aliasesLoadedAt = 0;
    for (const change of changes) {
      this.logger.log({ scope, ...change }, 'model alias changed');
      await this.events.emit('model.promoted', {
        scope,
        alias: change.alias,
        versionId: change.next,
        previousVersionId: change.previous,
      });
    }
  }

  private async refreshAliases(): Promise<void> {
    // Again while a load in flight read the aliases before a change made here since.
    while (Date.now() - this.aliasesLoadedAt >= ALIAS_REFRESH_MS) {
      this.aliasesLoading ??= this.loadAliases().finally(() => (this.aliasesLoading = undefined));
      await this.aliasesLoading;
    }
  }

  private async loadAliases(): Promise<void> {
    const generation = this.aliasesGeneration;
    const rows = await this.em.fork().find(ModelAlias, {}, { populate: ['version'] });
    if (generation !== this.aliasesGeneration) return;
    const next = new Map<string, ScopeAliases>();
    for (const row of rows) {
      const entry = next.get(row.scope) ?? {};
      entry[row.alias] = servingOf(row.version);
      next.set(row.scope, entry);
    }
    this.aliases = next;
    this.aliasesLoadedAt = Date.now();
  }
}
