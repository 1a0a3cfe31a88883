import { DomainEvents } from '../common/events/domain-events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ModelRegistryService } from './model-registry.service';

const version = (id: string) => ({
  id,
  scope: 's',
  modelType: 'elo',
  competitions: ['s'],
  asOf: new Date(0),
  evaluation: {},
});

/**
 * An entity manager holding one scope's alias rows in memory; `find` (the alias cache's load)
 * reads the rows when it is called and answers once `gate` opens, as a slow query would.
 */
function fakeEntityManager() {
  const aliases = [{ scope: 's', alias: 'champion', version: version('old') }];
  const state: { gate?: Promise<void> } = {};
  const em = {
    fork: () => em,
    find: async () => {
      const snapshot = aliases.map((row) => ({ ...row }));
      await state.gate;
      return snapshot;
    },
    findOne: async (_entity: unknown, where: { id?: string; alias?: string }) =>
      where.alias ? aliases.find((row) => row.alias === where.alias) : version(where.id as string),
    count: async () => 0,
    transactional: async <T>(work: (tx: unknown) => Promise<T>) => work(em),
    execute: async () => [],
    create: () => ({}),
    remove: () => undefined,
    getReference: (_entity: unknown, id: string) => version(id),
  };
  return { em: em as unknown as EntityManager, state };
}

describe('ModelRegistryService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('never keeps aliases read before its own promotion, even when that read answers after it', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { em, state } = fakeEntityManager();
    const registry = new ModelRegistryService(em, new DomainEvents());
    expect((await registry.allAliases()).get('s')?.champion?.id).toBe('old');

    // The cache has expired: a prediction's lookup starts reloading it, and its query is slow.
    now += 3000;
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const inFlight = registry.allAliases();
    state.gate = undefined;
    await registry.promote('new', 'champion', null);
    release();
    await inFlight;

    expect((await registry.allAliases()).get('s')?.champion?.id).toBe('new');
    expect((await registry.servingFor('s')).champion?.id).toBe('new');
  });
});
