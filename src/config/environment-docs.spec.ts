import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Environment } from './environment';

/** Variables the service reads outside the validated schema (documented all the same). */
const READ_OUTSIDE_THE_SCHEMA = ['GIT_COMMIT'];

/** Every variable named in the first column of README's configuration table. */
function documentedVariables(): string[] {
  const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Configuration\n'),
    readme.indexOf('\n## Operations and deployment\n'),
  );
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) =>
    [...row.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]),
  );
}

function schemaVariables(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

describe('README configuration table', () => {
  it('documents every variable of the schema, and only variables the service reads', () => {
    const documented = documentedVariables();
    expect(documented.length).toBeGreaterThan(40);
    const read = [...schemaVariables(), ...READ_OUTSIDE_THE_SCHEMA];
    expect(read.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !read.includes(name))).toEqual([]);
  });
});
