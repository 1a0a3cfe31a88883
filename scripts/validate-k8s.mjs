#!/usr/bin/env node
// Validates Kubernetes manifests against the API's schemas (the kubernetes-models package):
//   node scripts/validate-k8s.mjs FILE...      (multi-document YAML; "-" reads stdin)
// Prints one JSON line per object ({ kind, name, valid, errors }) and exits 1 if any object is
// invalid or of a kind the schemas do not know. Used by test/deploy-manifests.e2e-spec.ts and
// by the CD workflow before it applies anything.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: validate-k8s.mjs FILE... (- for stdin)');
  process.exit(2);
}

let failed = false;
for (const file of files) {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      report({ file, valid: false, errors: document.errors.map((e) => e.message) });
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue; // an empty document between ---
    const { apiVersion, kind, metadata } = object;
    const base = { file, kind, apiVersion, name: metadata?.name };
    let Model;
    try {
      const group = apiVersion.includes('/') ? apiVersion : `v1`;
      Model = (await import(`kubernetes-models/${group}/${kind}`))[kind];
    } catch {
      report({ ...base, valid: false, errors: [`no schema for ${apiVersion} ${kind}`] });
      continue;
    }
    try {
      new Model(object).validate();
      report({ ...base, valid: true, errors: [] });
    } catch (error) {
      const details = error.errors ?? [{ message: error.message }];
      report({
        ...base,
        valid: false,
        errors: details.map((e) => `${e.instancePath ?? ''} ${e.message}`.trim()),
      });
    }
  }
}
process.exit(failed ? 1 : 0);

function report(result) {
  if (!result.valid) failed = true;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
