import { InjectResponse, startTestApp, TEST_ADMIN, TestApp } from './support/test-app';
import { createAccount, PASSWORD } from './support/auth';
import { multipart, uploadImport, waitForImport } from './support/imports';
import { controllerRoutes } from './support/routes';

/**
 * Bad input never gets a 5xx, on any route: every operation of the OpenAPI document is sent
 * malformed path parameters, query parameters, headers and bodies derived from its schema, as the
 * admin (the most permissive caller, so validation and the handlers are really reached). Every
 * answer must be below 500, and every 4xx RFC 9457 problem+json with `status` and `detail`; a 400
 * (or an upload's 413) about one field must name it (in `errors[].field`, or as a word in
 * `detail`). All failures are collected and reported in one assertion, as
 * `METHOD /path [variant] → status what: body`. Deterministic: the only randomness is a seeded
 * PRNG.
 * A few results are imported first, so that reads of a real team, match, import or webhook get
 * past their 404 (see SAFE_ON_EXISTING).
 */

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * Operations not walked, each with its reason. None today: no operation shuts the process down
 * or streams for ever (GET /v1/ledger/export streams the ledger, which is finite).
 */
const EXCLUDED: Record<string, string> = {};

/**
 * Findings known and not fixed, each with its reason: `METHOD /path [variant]` → why. Matched
 * exactly, and a listed finding that no longer occurs fails the test too (so the list shrinks).
 */
const KNOWN_EXCEPTIONS: Record<string, string> = {};

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const PROBLEM_JSON = /^application\/problem\+json/;
/** Valid-looking identifiers that name nothing: used for the path while other input is bad. */
const NO_UUID = '00000000-0000-4000-8000-00000000abcd';
const NO_INT = '2000000000';
/** Marks a body field to leave out. */
const MISSING = Symbol('missing');

/**
 * Valid values of body fields, by schema name, where the documented example is not the one to
 * send in the test app. The webhook receiver's example host does not resolve here (refused before
 * the field under test is looked at), so webhooks point at a loopback receiver the app is told to
 * allow. Simulated fixtures name the seeded teams (set once they exist).
 */
const RECEIVER = 'http://127.0.0.1:9/oracxpred';
const VALID_OVERRIDES: Record<string, Record<string, unknown>> = {
  CreateWebhookBody: { url: RECEIVER },
  UpdateWebhookBody: { url: RECEIVER },
  // The right current password (of the account the route is called as, see callerFor), so that
  // a bad new password reaches the password policy.
  ChangePasswordBody: { currentPassword: PASSWORD },
  // No merge into a real team, and no training run (each would be real work, not bad input).
  MergeTeamBody: { intoTeamId: Number(NO_INT) },
  CreateTrainingRunBody: { competitions: ['no/such-competition'] },
};
const TEST_ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' };

/**
 * Operations sent the seeded team, match, import or webhook as their `id`: reads, and changes
 * whose every variant is refused or harmless (an alias added; a webhook's bad update). Not
 * DELETE, merges, pings, secret rotations or re-enabling, which would act on the real thing.
 */
const SAFE_ON_EXISTING =
  /^(GET .*|POST \/v1\/teams\/\{id\}\/aliases|PATCH \/v1\/webhooks\/\{id\})$/;

/** A few results and fixtures, so that routes about a team, a match, an import are reached. */
const SEED_CSV = [
  'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA',
  'E0,16/08/2024,20:00,Man United,Fulham,1,0,H,0,0,D,1.68,4.32,5.03',
  'E0,17/08/2024,15:00,Arsenal,Wolves,2,0,H,1,0,H,1.2,7.0,13.0',
  'E0,07/06/2031,15:00,Fulham,Arsenal,,,,,,,2.0,3.6,3.5',
  '',
].join('\n');

/** Characters with a meaning in SQL LIKE patterns, regular expressions, quoting and paths. */
const METACHARACTERS: Array<[string, string]> = [
  ['backslash', 'a\\'],
  ['LIKE wildcards', '%_%'],
  ['regex metacharacters', '(*[+?{'],
  ['quotes', `'"\``],
  ['percent sign', '100%'],
];

/** Dates at and past the edges of JavaScript's and PostgreSQL's ranges, and impossible ones. */
const EDGE_DATES = [
  '0000-01-01',
  '-000001-01-01',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '+275761-01-01',
  '2024-02-30',
  '2024-01-01T25:00:00Z',
  '2024-01-01T00:00:00+99:00',
  '2024-01-01T00:00:00.123456789Z',
  '20240101',
  '1e10',
];

/** Malformed headers the middleware reads before any route does. */
const HEADER_VARIANTS: Array<[string, Record<string, string>]> = [
  ['huge User-Agent', { 'user-agent': 'x'.repeat(16_000) }],
  ['garbage X-Forwarded-For', { 'x-forwarded-for': 'not-an-ip, 999.1.1.1, ::g' }],
  ['garbage X-Request-Id', { 'x-request-id': '../<script>"\'' }],
  ['huge X-Request-Id', { 'x-request-id': 'r'.repeat(16_000) }],
  ['Accept: application/xml', { accept: 'application/xml' }],
  ['garbage Accept-Encoding', { 'accept-encoding': 'br;q=abc, *;q=-1' }],
  ['garbage If-None-Match', { 'if-none-match': 'W/"\u00ff' }],
];

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A JSON value written as raw text (numbers JSON.stringify cannot: 1e309, 2^63 exactly). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `__RAW_${raws.length - 1}__`;
    }
    return v;
  });
  return text.replace(/"__RAW_(\d+)__"/g, (_m, i: string) => raws[Number(i)]);
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const looksLikeDate = (s: Schema) =>
  s.format === 'date' ||
  s.format === 'date-time' ||
  (typeof s.example === 'string' && /^\d{4}-\d{2}-\d{2}/.test(s.example));

interface Variant {
  name: string;
  /** The field a 400 (or an upload's 413) must name; undefined: the variant is not about one. */
  field?: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

describe('bad input: never a 5xx, always problem+json naming the field', () => {
  let testApp: TestApp;
  let document: OpenApiDocument;
  const random = prng(0x0dd5eed);

  beforeAll(async () => {
    testApp = await startTestApp(TEST_ENV);
    document = (await testApp.app.inject({ method: 'GET', url: '/docs-json' })).json();
    const run = await waitForImport(
      testApp.asAdmin,
      (await uploadImport(testApp.asAdmin, SEED_CSV, 'seed.csv')).json().id,
    );
    expect(run.status).toBe('succeeded');
    const teams = (await testApp.asAdmin({ method: 'GET', url: '/v1/teams' })).json().items;
    const match = (await testApp.asAdmin({ method: 'GET', url: '/v1/matches' })).json().items[0];
    const webhook = await testApp.asAdmin({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: RECEIVER, events: ['match.finished'] },
    });
    expect(webhook.statusCode).toBe(201);
    existing = {
      '/v1/teams/': String(teams[0].id),
      '/v1/matches/': String(match.id),
      '/v1/imports/': run.id,
      '/v1/webhooks/': webhook.json().id,
    };
    VALID_OVERRIDES.SimulatedFixtureBody = { homeTeamId: teams[0].id, awayTeamId: teams[1].id };
  });
  afterAll(() => testApp?.close());

  function resolve(schema: Schema | undefined): Schema {
    if (!schema) return {};
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return resolve({ ...document.components.schemas[name], ...omit(schema, '$ref') });
    }
    if (schema.allOf) {
      return schema.allOf.reduce<Schema>(
        (merged, part) => ({ ...resolve(part), ...merged }),
        omit(schema, 'allOf'),
      );
    }
    return schema;
  }

  function omit(schema: Schema, key: keyof Schema): Schema {
    const copy = { ...schema };
    delete copy[key];
    return copy;
  }

  /** A value the schema accepts (its example where it has one). */
  function validValue(raw: Schema | undefined, depth = 0): unknown {
    const schema = resolve(raw);
    const overrides = VALID_OVERRIDES[raw?.$ref?.split('/').pop() ?? ''] ?? {};
    if (schema.example !== undefined) return schema.example;
    if (schema.enum) return schema.enum[0];
    if (schema.default !== undefined) return schema.default;
    if (schema.properties || schema.type === 'object') {
      if (depth > 4) return {};
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, v]) => [
          k,
          k in overrides ? overrides[k] : validValue(v, depth + 1),
        ]),
      );
    }
    switch (schema.type) {
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return false;
      case 'array':
        return [validValue(schema.items, depth + 1)];
      default:
        if (schema.format === 'uuid') return NO_UUID;
        if (schema.format === 'date-time') return '2024-01-01T00:00:00Z';
        if (schema.format === 'date') return '2024-01-01';
        return 'a'.repeat(Math.max(schema.minLength ?? 1, 1));
    }
  }

  /** Malformed values for one field of a JSON body, by schema. */
  function badJsonValues(raw: Schema | undefined): Array<[string, unknown]> {
    const schema = resolve(raw);
    const type = schema.properties ? 'object' : (schema.type ?? 'string');
    const values: Array<[string, unknown]> = [
      ['null', null],
      ['huge string', 'x'.repeat(100_000)],
      ['deep nesting', nested(64)],
      ['object instead', { unexpected: true }],
    ];
    if (type === 'string') {
      values.push(['number instead', 12345], ['array instead', ['a']], ['NUL', 'a\u0000b']);
      values.push(['unicode', '\u{1F600}\u202E\uFFFF'], ['empty string', '']);
      values.push(['lone surrogate', new Raw('"a\\ud800b"')]);
      for (const [name, value] of METACHARACTERS) values.push([name, value]);
    }
    if (type === 'integer' || type === 'number') {
      values.push(['string instead', 'abc'], ['numeric string', '12'], ['boolean instead', true]);
      values.push(['negative', -1], ['2^31', 2 ** 31], ['2^63', new Raw('9223372036854775808')]);
      values.push(['1e309', new Raw('1e309')], ['-1e309', new Raw('-1e309')]);
      values.push(['fraction', 1.5]);
      if (schema.maximum !== undefined) values.push(['above maximum', schema.maximum + 1]);
      if (schema.minimum !== undefined) values.push(['below minimum', schema.minimum - 1]);
    }
    if (type === 'boolean') values.push(['string instead', 'yes'], ['number instead', 1]);
    if (type === 'array') values.push(['string instead', 'a'], ['number instead', 7]);
    if (type === 'object') values.push(['string instead', 'a'], ['array instead', []]);
    if (schema.enum) values.push(['bad enum', 'not-a-member']);
    if (looksLikeDate(schema)) {
      values.push(['bad date 2024-13-45', '2024-13-45'], ['bad date yesterday', 'yesterday']);
      for (const date of EDGE_DATES) values.push([`date ${date}`, date]);
    }
    if (schema.format === 'uuid') values.push(['bad uuid', 'abc']);
    return values;
  }

  /** Every field path of a body schema (nested objects and array items), to a limited depth. */
  function fieldPaths(
    raw: Schema | undefined,
    prefix: Array<string | number> = [],
    depth = 0,
  ): Array<{ path: Array<string | number>; schema: Schema; required: boolean }> {
    const schema = resolve(raw);
    if (depth > 3) return [];
    const out: Array<{ path: Array<string | number>; schema: Schema; required: boolean }> = [];
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      const path = [...prefix, name];
      const resolved = resolve(child);
      out.push({ path, schema: resolved, required: schema.required?.includes(name) ?? false });
      out.push(...fieldPaths(resolved, path, depth + 1));
      if (resolved.type === 'array' && resolved.items) {
        const items = resolve(resolved.items);
        out.push({ path: [...path, 0], schema: items, required: true });
        out.push(...fieldPaths(items, [...path, 0], depth + 1));
      }
    }
    return out;
  }

  function setAt(target: unknown, path: Array<string | number>, value: unknown | typeof MISSING) {
    const copy = structuredClone(target) as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    if (value === MISSING) {
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete node[last];
    } else node[last] = value;
    return copy;
  }

  /**
   * Bad path values; the third member, when given, is the field a 400 must name instead of the
   * parameter: a path that is not valid percent-encoding cannot be split into parameters (the
   * answer names the `url`), and a raw `..` segment is removed before routing (RFC 3986), so the
   * request reaches another route (or none) and names that route's parameter.
   */
  const BAD_PATH_VALUES: Array<[string, string, (string | null)?]> = [
    ['0', '0'],
    ['-1', '-1'],
    ['2^31', String(2 ** 31)],
    ['2^63', '9223372036854775808'],
    ['1e309', '1e309'],
    ['abc', 'abc'],
    ['%00', '%00'],
    ['2,000 chars', 'x'.repeat(2000)],
    ['unicode', encodeURIComponent('é\u{1F600}\u202E')],
    ['../ (encoded)', encodeURIComponent('../')],
    ['..', '..', null],
    ['space', '%20'],
    ['bad percent-encoding', '%E0%A4%A', 'url'],
    ['fraction', '1.5'],
    ['uuid-ish', '00000000-0000-0000-0000-00000000000g'],
    ...METACHARACTERS.map(([name, value]): [string, string] => [name, encodeURIComponent(value)]),
  ];

  function badQueryValues(raw: Schema | undefined): Array<[string, string[]]> {
    const schema = resolve(raw);
    const values: Array<[string, string[]]> = [
      ['empty', ['']],
      ['repeated', ['1', '2']],
      ['very long', ['x'.repeat(10_000)]],
      ['NUL', ['a%00b']],
      ['unicode', ['é\u{1F600}']],
      ['wrong type (abc)', ['abc']],
      ['bracketed object', ['[object]']],
    ];
    if (schema.type === 'integer' || schema.type === 'number') {
      values.push(['negative', ['-1']], ['2^31', [String(2 ** 31)]]);
      values.push(['2^63', ['9223372036854775808']], ['1e309', ['1e309']]);
      values.push(['fraction', ['1.5']], ['hex', ['0x10']], ['NaN', ['NaN']]);
      if (schema.maximum !== undefined)
        values.push(['above maximum', [String(schema.maximum + 1)]]);
      if (schema.minimum !== undefined)
        values.push(['below minimum', [String(schema.minimum - 1)]]);
    }
    if (schema.enum) values.push(['bad enum', ['not-a-member']]);
    if (looksLikeDate(schema)) {
      values.push(['bad date 2024-13-45', ['2024-13-45']], ['bad date yesterday', ['yesterday']]);
      for (const date of EDGE_DATES) values.push([`date ${date}`, [date]]);
    }
    if (!schema.type || schema.type === 'string') {
      for (const [name, value] of METACHARACTERS) values.push([name, [value]]);
    }
    if (schema.format === 'uuid') values.push(['bad uuid', ['abc']]);
    return values;
  }

  /**
   * Ids of what the seed made, by route prefix: the `id` of the SAFE_ON_EXISTING operations under
   * it names a real team, match, import or webhook, so that their other input reaches the handler.
   */
  let existing: Record<string, string> = {};

  /** Fills a path pattern, with `bad` for one parameter and a harmless valid value elsewhere. */
  function fillPath(
    pattern: string,
    parameters: Parameter[],
    bad?: { name: string; value: string },
    method = 'get',
  ): string {
    return pattern.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (bad?.name === name) return bad.value;
      const prefix = Object.keys(existing).find((p) => pattern.startsWith(p));
      if (prefix && name === 'id' && SAFE_ON_EXISTING.test(`${method.toUpperCase()} ${pattern}`)) {
        return existing[prefix];
      }
      const schema = resolve(parameters.find((p) => p.name === name)?.schema);
      if (schema.type === 'integer' || schema.type === 'number') return NO_INT;
      if (schema.format === 'uuid') return NO_UUID;
      return 'no-such-thing';
    });
  }

  function query(entries: Array<[string, string]>): string {
    if (entries.length === 0) return '';
    // Written by hand so that escapes like %00 stay as sent (a lone `%` is encoded).
    const encode = (v: string) => (/%[0-9a-f]{2}/i.test(v) ? v : encodeURIComponent(v));
    return `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`).join('&')}`;
  }

  async function variantsOf(method: string, pattern: string, operation: Operation) {
    const parameters = operation.parameters ?? [];
    const variants: Variant[] = [];
    const upper = method.toUpperCase();
    const url = fillPath(pattern, parameters, undefined, method);
    const add = (v: Omit<Variant, 'method'>) => variants.push({ method: upper, ...v });
    const jsonContent = operation.requestBody?.content['application/json'];
    const validBody = jsonContent ? validValue(jsonContent.schema) : undefined;
    const jsonHeaders = { 'content-type': 'application/json' };
    // With a body that is valid, so that only the parameter under test is bad.
    const withBody =
      validBody === undefined ? {} : { headers: jsonHeaders, payload: toJson(validBody) };

    for (const parameter of parameters.filter((p) => p.in === 'path')) {
      for (const [name, value, field] of BAD_PATH_VALUES) {
        add({
          name: `path ${parameter.name}=${name}`,
          field: field === undefined ? parameter.name : (field ?? undefined),
          url: fillPath(pattern, parameters, { name: parameter.name, value }, method),
          ...withBody,
        });
      }
    }
    for (const parameter of parameters.filter((p) => p.in === 'query')) {
      for (const [name, values] of badQueryValues(parameter.schema)) {
        add({
          name: `query ${parameter.name}=${name}`,
          field: parameter.name,
          url: url + query(values.map((v) => [parameter.name, v])),
          ...withBody,
        });
      }
    }
    add({ name: 'unknown query parameter', field: 'bogus', url: `${url}?bogus=1`, ...withBody });
    add({ name: 'query __proto__', url: `${url}?__proto__[x]=1&constructor=1`, ...withBody });
    for (const parameter of parameters.filter((p) => p.in === 'header')) {
      for (const [name, value] of [
        ['very long', 'x'.repeat(8000)],
        ['empty', ''],
        ['garbage', '\t;;=,"W/'],
      ]) {
        add({
          name: `header ${parameter.name}=${name}`,
          url,
          headers: { ...withBody.headers, [parameter.name.toLowerCase()]: value },
          ...(withBody.payload === undefined ? {} : { payload: withBody.payload }),
        });
      }
    }

    // Headers every route reads (request id, client address, content negotiation, audit).
    for (const [name, headers] of HEADER_VARIANTS) add({ name, url, headers });

    if (method !== 'get') {
      // Whole-body variants, for every route that takes a body and for those that take none.
      add({
        name: 'non-JSON body as application/json',
        url,
        headers: jsonHeaders,
        payload: '{"a":',
      });
      add({ name: 'empty body as application/json', url, headers: jsonHeaders, payload: '' });
      add({ name: 'JSON null body', url, headers: jsonHeaders, payload: 'null' });
      add({ name: 'JSON string body', url, headers: jsonHeaders, payload: '"text"' });
      add({
        name: 'wrong content type (text/plain)',
        url,
        headers: { 'content-type': 'text/plain' },
        payload: toJson(validBody ?? {}),
      });
      add({
        name: 'wrong content type (application/xml)',
        url,
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      });
      add({
        name: 'deeply nested body',
        url,
        headers: jsonHeaders,
        payload: '['.repeat(5000) + ']'.repeat(5000),
      });
      add({
        name: 'JSON in UTF-16',
        url,
        headers: { 'content-type': 'application/json; charset=utf-16' },
        payload: Buffer.from(toJson(validBody ?? {}), 'utf16le'),
      });
      add({
        name: 'another JSON media type',
        url,
        headers: { 'content-type': 'application/merge-patch+json' },
        payload: toJson(validBody ?? {}),
      });
      add({
        name: 'gzip content encoding, not gzip',
        url,
        headers: { ...jsonHeaders, 'content-encoding': 'gzip' },
        payload: toJson(validBody ?? {}),
      });
      add({
        name: 'body over the size limit',
        url,
        headers: jsonHeaders,
        payload: `{"a":"${'x'.repeat(1024 * 1024 + 10)}"}`,
      });
      add({
        name: 'duplicate keys and a BOM',
        url,
        headers: jsonHeaders,
        payload: `\uFEFF${toJson(validBody ?? {}).replace(/^\{/, '{"a":1,"a":2,')}`,
      });
      add({
        name: '__proto__ in body',
        url,
        headers: jsonHeaders,
        payload: '{"__proto__":{"isAdmin":true}}',
      });
    }
    if (jsonContent) {
      const schema = resolve(jsonContent.schema);
      add({ name: 'no body', url });
      add({ name: 'empty object', url, headers: jsonHeaders, payload: '{}' });
      add({
        name: 'array instead of object',
        url,
        headers: jsonHeaders,
        payload: toJson([validBody]),
      });
      add({
        name: 'unknown extra field',
        field: 'bogusField',
        url,
        headers: jsonHeaders,
        payload: toJson({ ...(validBody as object), bogusField: 1 }),
      });
      for (const { path, schema: fieldSchema, required } of fieldPaths(schema)) {
        const label = path.join('.');
        const field = String(path[0]);
        if (required) {
          add({
            name: `body ${label} missing`,
            field,
            url,
            headers: jsonHeaders,
            payload: toJson(setAt(validBody, path, MISSING)),
          });
        }
        for (const [name, value] of badJsonValues(fieldSchema)) {
          add({
            name: `body ${label}=${name}`,
            field,
            url,
            headers: jsonHeaders,
            payload: toJson(setAt(validBody, path, value)),
          });
        }
      }
    }
    if (operation.requestBody?.content['multipart/form-data']) {
      const garbage = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
      const forms: Array<[string, Parameters<typeof multipart>[0], string | undefined]> = [
        ['multipart without the file part', [{ name: 'format', value: 'history' }], 'file'],
        [
          'multipart with an empty file',
          [{ name: 'file', value: '', filename: 'a.csv' }],
          undefined,
        ],
        [
          'multipart with a garbage file',
          [{ name: 'file', value: garbage, filename: 'a.csv' }],
          undefined,
        ],
        [
          'multipart with a bad format field',
          [
            { name: 'format', value: 'not-a-format' },
            { name: 'file', value: 'Date,HomeTeam\n', filename: 'a.csv' },
          ],
          'format',
        ],
        [
          'multipart with an unknown field',
          [
            { name: 'bogusField', value: '1' },
            { name: 'file', value: 'Date,HomeTeam\n', filename: 'a.csv' },
          ],
          'bogusField',
        ],
        [
          'multipart with two file parts',
          [
            { name: 'file', value: 'a', filename: 'a.csv' },
            { name: 'file', value: 'b', filename: 'b.csv' },
          ],
          'file',
        ],
        ['multipart with a text file field', [{ name: 'file', value: 'not a file' }], 'file'],
      ];
      for (const [name, parts, field] of forms) {
        const body = await multipart(parts);
        add({ name, field, url, headers: body.headers, payload: body.payload });
      }
      add({
        name: 'multipart with a broken body',
        url,
        headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
        payload:
          '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
      });
      add({
        name: 'multipart without a boundary',
        url,
        headers: { 'content-type': 'multipart/form-data' },
        payload: 'abc',
      });
    }
    return variants;
  }

  interface Caller {
    email: string;
    password: string;
    token?: string;
  }
  const admin: Caller = { ...TEST_ADMIN };
  let accounts = 0;

  /**
   * Who sends an operation's variants: the test admin, except for the operations on one's own
   * account (/v1/me...), which each get an admin account of their own. Those end sessions
   * (DELETE /v1/me/sessions ignores a body it does not take) and count wrong passwords as failed
   * sign-ins, which slow down and then lock the account: each operation's variants must still
   * reach validation and the handlers, whatever another's did.
   */
  async function callerFor(pattern: string): Promise<Caller> {
    if (!pattern.startsWith('/v1/me')) return admin;
    return newAccount();
  }

  async function newAccount(): Promise<Caller> {
    const email = `self-${++accounts}@oracxpred.test`;
    await createAccount(testApp, email, 'admin');
    return { email, password: PASSWORD };
  }

  /**
   * Sends a variant. On a 401 outside /v1/auth the caller signs in again and it is resent once;
   * on a 429 for its own account's failed password confirmations (see callerFor), it is resent
   * once as a fresh account, so the variant is answered on its own merits.
   */
  async function send(caller: Caller, variant: Variant): Promise<InjectResponse> {
    for (let attempt = 0; ; attempt++) {
      caller.token ??= (await testApp.login(caller.email, caller.password)).accessToken;
      const response = await testApp.withToken(caller.token)({
        method: variant.method as 'GET',
        url: variant.url,
        headers: variant.headers,
        payload: variant.payload,
      });
      if (attempt > 0 || variant.url.startsWith('/v1/auth/')) return response;
      if (response.statusCode === 401) {
        caller.token = undefined;
      } else if (response.statusCode === 429 && caller !== admin) {
        Object.assign(caller, await newAccount(), { token: undefined });
      } else {
        return response;
      }
    }
  }

  /** What is wrong with an answer to bad input; undefined when it is right. */
  function problemWith(variant: Variant, response: InjectResponse): string | undefined {
    const status = response.statusCode;
    if (status >= 500) return 'server error';
    if (status < 400) return undefined;
    const contentType = String(response.headers['content-type'] ?? '');
    if (!PROBLEM_JSON.test(contentType)) return `4xx as ${contentType || 'no content type'}`;
    let body: { status?: unknown; detail?: unknown; errors?: unknown };
    try {
      body = response.json();
    } catch {
      return '4xx body is not JSON';
    }
    if (body.status !== status) return `body.status ${String(body.status)} ≠ ${status}`;
    if (typeof body.detail !== 'string' || body.detail.length === 0) return 'no detail';
    // A refusal of one field's value (400, or 413 for an upload) names the field.
    if ((status === 400 || status === 413) && variant.field) {
      const field = variant.field;
      const errors = Array.isArray(body.errors) ? (body.errors as Array<{ field?: unknown }>) : [];
      const inErrors = errors.some(
        (e) =>
          typeof e.field === 'string' && (e.field === field || e.field.startsWith(`${field}.`)),
      );
      // (As a word: "reach files limit" does not name `file`.)
      const inDetail = new RegExp(`(^|[^\\w])${field}($|[^\\w])`).test(body.detail);
      if (!inErrors && !inDetail) return `${status} does not name ${field}`;
    }
    return undefined;
  }

  it('walks every operation (the document lists every controller route)', () => {
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const routes = controllerRoutes(testApp.app).map(
      (r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`,
    );
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    expect(Object.keys(EXCLUDED).filter((e) => !documented.has(e))).toEqual([]);
  });

  it('answers every malformed request below 500, as problem+json naming the field', async () => {
    const failures: string[] = [];
    const seenExceptions = new Set<string>();
    let sent = 0;
    let operations = 0;
    for (const [pattern, ops] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(ops)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const key = `${method.toUpperCase()} ${pattern}`;
        if (EXCLUDED[key]) continue;
        operations++;
        const caller = await callerFor(pattern);
        for (const variant of await variantsOf(method, pattern, operation)) {
          const response = await send(caller, variant);
          sent++;
          const wrong = problemWith(variant, response);
          if (!wrong) continue;
          const id = `${key} [${variant.name}]`;
          if (KNOWN_EXCEPTIONS[id]) {
            seenExceptions.add(id);
            continue;
          }
          const excerpt = response.body.slice(0, 200).replace(/\s+/g, ' ');
          failures.push(`${id} → ${response.statusCode} ${wrong}: ${excerpt}`);
        }
      }
    }
    expect(operations).toBeGreaterThan(60);
    expect(sent).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
    // A known exception that is gone must leave the list.
    expect(Object.keys(KNOWN_EXCEPTIONS).filter((id) => !seenExceptions.has(id))).toEqual([]);
  });
});
