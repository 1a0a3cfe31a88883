import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sharedDataPath } from './fixtures/shared-data';
import { query } from './support/databases';
import type { ImportRunView } from '../src/matches/imports/import.dto';
import { multipart, uploadImport, waitForImport } from './support/imports';
import { startTestApp, TestApp } from './support/test-app';

/** POST /v1/imports (multipart uploads), the import runs it creates and GET /v1/imports. */

const BAD_ROWS = readFileSync(
  path.join(__dirname, 'fixtures', 'bad-rows.football-data.csv'),
  'utf8',
);

/** Everything an import can write, to prove that a refused or rejected one wrote nothing. */
const WRITTEN = `
  select (select count(*) from matches) as matches,
         (select count(*) from odds_snapshots) as odds,
         (select count(*) from match_source_refs) as refs,
         (select count(*) from teams) as teams,
         (select count(*) from team_aliases) as aliases,
         (select count(*) from competitions) as competitions,
         (select coalesce(max(updated_at)::text, '') from matches) as last_update`;

function expectProblem(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(body.instance).toMatch(/^\/v1\/imports/);
  expect(body.requestId).toBe(response.headers['x-request-id']);
  return body as { detail: string; errors?: Array<{ field: string; reason: string }> };
}

describe('imports API (PostgreSQL; Bull when REDIS_URL is set)', () => {
  let testApp: TestApp;
  let dbUrl: string;

  const count = async (sql: string) => Number((await query<{ n: string }>(dbUrl, sql))[0].n);
  const runCount = () => count('select count(*) as n from import_runs');
  const matchCount = () => count('select count(*) as n from matches');

  beforeAll(async () => {
    testApp = await startTestApp({ IMPORT_MAX_UPLOAD_MB: '1' });
    dbUrl = testApp.databaseUrl;
  });
  afterAll(() => testApp?.close());

  describe('a real file', () => {
    it('is queued (202), then runs to succeeded with counts and progress 100', async () => {
      const content = readFileSync(
        sharedDataPath('football', 'history', 'england__premier-league.csv'),
      );
      const response = await uploadImport(testApp.asAdmin, content, 'england__premier-league.csv');
      expect(response.statusCode).toBe(202);
      const queued = response.json();
      expect(queued).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'queued',
        source: 'upload:england__premier-league.csv',
        strict: false,
        progress: 0,
        counts: null,
        issues: [],
        error: null,
        finishedAt: null,
      });

      const run = await waitForImport(testApp.asAdmin, queued.id);
      expect(run).toMatchObject({
        id: queued.id,
        status: 'succeeded',
        format: 'history',
        progress: 100,
        attempts: 1,
        error: null,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      expect(run.counts).toMatchObject({
        rowsRead: 5782,
        matchesInserted: 5782,
        matchesUpdated: 0,
        matchesUnchanged: 0,
        rowsRejected: 0,
      });
      expect(run.counts.oddsWritten).toBeGreaterThan(5782);
      expect(run.counts.teamsCreated).toBe(await count('select count(*) as n from teams'));
      expect(run.counts.oddsWritten).toBe(await count('select count(*) as n from odds_snapshots'));
      expect(run.issues.every((i) => i.severity === 'warning')).toBe(true);
      expect(run.issues).toHaveLength(run.counts.warnings);
      expect(await matchCount()).toBe(5782);
      // The stored bytes are dropped once the run is done.
      expect(await count('select count(*) as n from import_payloads')).toBe(0);
      const [row] = await query<{ status: string; progress: number }>(
        dbUrl,
        'select status::text, progress from import_runs where id = $1',
        [queued.id],
      );
      expect(row).toEqual({ status: 'succeeded', progress: 100 });
    });

    it('honours an explicit format and reports matches both files have as unchanged', async () => {
      const content = readFileSync(sharedDataPath('football', 'football-data-co-uk', 'E0.csv'));
      const response = await uploadImport(testApp.asAdmin, content, 'E0.csv', {
        format: 'football-data-co-uk',
      });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ status: 'queued', format: 'football-data-co-uk' });
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run).toMatchObject({
        status: 'succeeded',
        format: 'football-data-co-uk',
        progress: 100,
      });
      expect(run.counts).toMatchObject({
        rowsRead: 450,
        matchesInserted: 340,
        matchesUnchanged: 110,
        teamsCreated: 0,
      });
      expect(await matchCount()).toBe(5782 + 340);
    });

    it('is rejected when the given format does not fit the file', async () => {
      const before = await query(dbUrl, WRITTEN);
      const content = readFileSync(sharedDataPath('football', 'football-data-co-uk', 'E0.csv'));
      const response = await uploadImport(testApp.asAdmin, content, 'E0.csv', {
        format: 'international',
      });
      expect(response.statusCode).toBe(202);
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run.status).toBe('rejected');
      expect(run.error).toEqual(expect.any(String));
      expect(await query(dbUrl, WRITTEN)).toEqual(before);
    });
  });

  describe('the bad-rows fixture', () => {
    it('succeeds, listing lines 3, 4, 5 and 6 as errors', async () => {
      const response = await uploadImport(testApp.asAdmin, BAD_ROWS, 'bad-rows.csv');
      expect(response.statusCode).toBe(202);
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run.status).toBe('succeeded');
      const errors = run.issues.filter((i) => i.severity === 'error');
      expect(errors.map((e) => [e.line, e.column])).toEqual([
        [3, 'Date'],
        [4, 'FTHG'],
        [5, 'HomeTeam'],
        [6, 'HTHG'],
      ]);
      for (const error of errors) expect(error.reason).toEqual(expect.any(String));
      expect(run.issues).toContainEqual(
        expect.objectContaining({
          line: 7,
          severity: 'warning',
          reason: expect.stringContaining('impossible odds'),
        }),
      );
      expect(run.counts).toMatchObject({ rowsRead: 7, rowsRejected: 4 });
      // Its three good rows are real Premier League matches, already known from the files above.
      const { matchesInserted, matchesUpdated, matchesUnchanged } = run.counts;
      expect(matchesInserted + matchesUpdated + matchesUnchanged).toBe(3);
    });

    it('lists each run with its first issues and their count; the run itself has every one', async () => {
      const [header, good] = BAD_ROWS.split('\n');
      // 25 rows with an impossible date, then one good row (already known from the files above).
      const bad = Array.from({ length: 25 }, () => good.replace('16/08/2024', '31/02/2024'));
      const content = [header, ...bad, good, ''].join('\n');
      const response = await uploadImport(testApp.asAdmin, content, 'many-bad-rows.csv');
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run.issueCount).toBe(25);
      expect(run.issues.map((i) => i.line)).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
      const list = await testApp.asAdmin({ url: '/v1/imports?pageSize=100' });
      expect(list.statusCode).toBe(200);
      const listed = list.json<ImportRunView[]>().find((r) => r.id === run.id)!;
      expect(listed.issueCount).toBe(25);
      expect(listed.issues).toEqual(run.issues.slice(0, 10));
    });

    it('is rejected in strict mode and writes nothing', async () => {
      // Dates moved to 2033 so that its three good rows would be new matches if written.
      const content = BAD_ROWS.replace(/2024/g, '2033');
      const before = await query(dbUrl, WRITTEN);
      const response = await uploadImport(testApp.asAdmin, content, 'bad-rows-2033.csv', {
        strict: 'true',
      });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ status: 'queued', strict: true });
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run).toMatchObject({ status: 'rejected', strict: true, newTeams: [] });
      expect(run.issues.filter((i) => i.severity === 'error').map((i) => i.line)).toEqual([
        3, 4, 5, 6,
      ]);
      expect(run.counts).toMatchObject({ rowsRejected: 4, matchesInserted: 0 });
      expect(await query(dbUrl, WRITTEN)).toEqual(before);

      // The same bytes without strict do write the three good rows: the check above can fail.
      const lenient = await uploadImport(testApp.asAdmin, content, 'bad-rows-2033.csv', {
        strict: 'false',
      });
      const committed = await waitForImport(testApp.asAdmin, lenient.json().id);
      expect(committed).toMatchObject({ status: 'succeeded', strict: false });
      expect(committed.counts).toMatchObject({ matchesInserted: 3, teamsCreated: 0 });
      expect(await matchCount()).toBe(Number((before[0] as { matches: string }).matches) + 3);
    });
  });

  describe('NUL characters in cells (PostgreSQL refuses them in text)', () => {
    const header = BAD_ROWS.split('\n')[0];
    const content = [
      header,
      'E0,10/08/2034,15:00,Nul United,Fulham,1,0,H,0,0,D,1.68,4.32,5.03,1.57,2.45',
      'E0,10/08/2034,15:00,Arse\0nal,Wolves,2,0,H,1,0,H,1.2,7.0,13.0,1.5,2.6',
      'E0,10/08/2034,15:00,Everton,Brighton,1\0,3,A,0,1,A,2.8,3.4,2.5,1.8,2.0',
      'E0,11/08/2034,15:00,Chelsea,Man City,0,2,A,0,1,A,4.5,4.0,1.75,1.6,2.3',
      '',
    ].join('\n');

    it('rejects each such row naming line and column, and commits the others', async () => {
      const before = await matchCount();
      const response = await uploadImport(testApp.asAdmin, content, 'nul.csv');
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run.status).toBe('succeeded');
      const nulIssues = run.issues.filter((i) => i.reason.includes('NUL'));
      expect(nulIssues.map((i) => [i.line, i.column, i.severity])).toEqual([
        [3, 'HomeTeam', 'error'],
        [4, 'FTHG', 'error'],
      ]);
      expect(JSON.stringify(run.issues)).not.toContain('\\u0000');
      expect(run.counts).toMatchObject({ rowsRead: 4, rowsRejected: 2, matchesInserted: 2 });
      expect(await matchCount()).toBe(before + 2);
    });

    it('commits nothing in strict mode', async () => {
      const strictContent = content.replace(/2034/g, '2035');
      const before = await query(dbUrl, WRITTEN);
      const response = await uploadImport(testApp.asAdmin, strictContent, 'nul.csv', {
        strict: 'true',
      });
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run).toMatchObject({ status: 'rejected', strict: true });
      const errorLines = run.issues.filter((i) => i.severity === 'error').map((i) => i.line);
      expect([...new Set(errorLines)]).toEqual([3, 4]);
      expect(await query(dbUrl, WRITTEN)).toEqual(before);
    });
  });

  describe('a run whose result cannot be saved', () => {
    const refuseSuccess = `
      create function refuse_success() returns trigger language plpgsql as $$
      begin
        -- Refuses storing the result (its counts), whatever status comes with it.
        if new.counts is not null then raise exception 'disk full (test)'; end if;
        return new;
      end $$;
      create trigger refuse_success before update on import_runs
        for each row execute function refuse_success();`;
    const allowSuccess = `
      drop trigger refuse_success on import_runs; drop function refuse_success();`;

    it('ends failed (not running forever), then succeeds on its automatic retry', async () => {
      await query(dbUrl, refuseSuccess);
      let dropped = false;
      try {
        const response = await uploadImport(testApp.asAdmin, BAD_ROWS, 'retry.csv');
        const id = response.json().id as string;
        const failed = await waitForImport(testApp.asAdmin, id, 20_000);
        expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/retried/) });
        await query(dbUrl, allowSuccess);
        dropped = true;
        const deadline = Date.now() + 30_000;
        let status = failed.status;
        while (status !== 'succeeded' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          status = (await testApp.asAdmin({ method: 'GET', url: `/v1/imports/${id}` })).json()
            .status;
        }
        expect(status).toBe('succeeded');
      } finally {
        if (!dropped) await query(dbUrl, allowSuccess);
      }
    });
  });

  describe('refused uploads', () => {
    const post = async (parts: Parameters<typeof multipart>[0]) =>
      testApp.asAdmin({ method: 'POST', url: '/v1/imports', ...(await multipart(parts)) });
    const file = { name: 'file', value: BAD_ROWS, filename: 'x.csv' };

    it.each([
      ['no file', [{ name: 'format', value: 'history' }], 'file'],
      ['an unknown field', [file, { name: 'colour', value: 'red' }], 'colour'],
      ['an unknown format', [{ name: 'format', value: 'xlsx' }, file], 'format'],
      ['a strict flag that is no boolean', [{ name: 'strict', value: 'yes' }, file], 'strict'],
      [
        'the file in another field',
        [{ name: 'upload', value: BAD_ROWS, filename: 'x.csv' }],
        'upload',
      ],
    ])('%s: 400 naming the field, no run', async (_case, parts, field) => {
      const runs = await runCount();
      const body = expectProblem(await post(parts as Parameters<typeof multipart>[0]), 400);
      expect(body.errors?.map((e) => e.field)).toEqual([field]);
      expect(await runCount()).toBe(runs);
    });

    it('refuses two files (the multipart limit answers 413) and creates no run', async () => {
      const runs = await runCount();
      const body = expectProblem(await post([file, { ...file, filename: 'y.csv' }]), 413);
      expect(body.detail).toMatch(/files limit/);
      expect(body.errors?.map((e) => e.field)).toEqual(['file']);
      expect(await runCount()).toBe(runs);
    });

    it('refuses an empty file with 422 and creates no run', async () => {
      const runs = await runCount();
      const body = expectProblem(await uploadImport(testApp.asAdmin, '', 'empty.csv'), 422);
      expect(body.detail).toMatch(/empty/);
      expect(await runCount()).toBe(runs);
    });

    it('refuses a file over IMPORT_MAX_UPLOAD_MB with 413', async () => {
      const runs = await runCount();
      const big = Buffer.alloc(1024 * 1024 + 1, 'a');
      const body = expectProblem(await uploadImport(testApp.asAdmin, big, 'big.csv'), 413);
      // Which limit, and the setting that moves it (not the parser's bare "request file too large").
      expect(body.detail).toBe(
        'file: larger than the upload limit of 1 MiB (IMPORT_MAX_UPLOAD_MB)',
      );
      expect(body.errors?.map((e) => e.field)).toEqual(['file']);
      expect(await runCount()).toBe(runs);
    });

    it('ends an HTML upload as rejected with a clear error, writing no matches', async () => {
      const before = await query(dbUrl, WRITTEN);
      const html =
        '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>busy</body></html>\n';
      const response = await uploadImport(testApp.asAdmin, html, 'E0.csv');
      expect(response.statusCode).toBe(202);
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run).toMatchObject({ status: 'rejected', counts: null, attempts: 1 });
      expect(run.error).toMatch(/HTML/);
      expect(await query(dbUrl, WRITTEN)).toEqual(before);
      // A final refusal needs no retry: its bytes are not kept.
      expect(
        await count(`select count(*) as n from import_payloads where import_run_id = '${run.id}'`),
      ).toBe(0);
    });

    it('ends a file with only blank lines as rejected (empty)', async () => {
      const response = await uploadImport(testApp.asAdmin, '  \n\n', 'blank.csv');
      expect(response.statusCode).toBe(202);
      const run = await waitForImport(testApp.asAdmin, response.json().id);
      expect(run.status).toBe('rejected');
      expect(run.error).toMatch(/empty/);
    });

    it('answers a body that is neither multipart nor JSON with 415', async () => {
      const runs = await runCount();
      expectProblem(
        await testApp.asAdmin({
          method: 'POST',
          url: '/v1/imports',
          payload: BAD_ROWS,
          headers: { 'content-type': 'text/csv' },
        }),
        415,
      );
      expect(await runCount()).toBe(runs);
    });

    it.each([
      [{}, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://example.org/E0.csv', format: 'xlsx' }, 'format'],
      [{ url: 'https://example.org/E0.csv', strict: 'yes' }, 'strict'],
      [{ url: 'https://example.org/E0.csv', mode: 'fast' }, 'mode'],
    ])(
      'answers the JSON body %j with 400 naming %s, before any download',
      async (payload, field) => {
        const runs = await runCount();
        const body = expectProblem(
          await testApp.asAdmin({ method: 'POST', url: '/v1/imports', payload }),
          400,
        );
        expect(body.errors?.map((e) => e.field)).toEqual([field]);
        expect(await runCount()).toBe(runs);
      },
    );
  });

  describe('GET /v1/imports', () => {
    it('lists the runs newest first with X-Total-Count and Link', async () => {
      const response = await testApp.asAdmin({ method: 'GET', url: '/v1/imports?pageSize=3' });
      expect(response.statusCode).toBe(200);
      const expected = await query<{ id: string }>(
        dbUrl,
        'select id from import_runs order by created_at desc limit 3',
      );
      expect(response.json().map((r: { id: string }) => r.id)).toEqual(expected.map((r) => r.id));
      const total = await runCount();
      expect(total).toBeGreaterThan(3);
      expect(response.headers['x-total-count']).toBe(String(total));
      const last = /<([^>]+)>; rel="last"/.exec(String(response.headers.link))?.[1];
      expect(last).toBeDefined();
      const lastUrl = new URL(last!, 'http://localhost');
      expect(lastUrl.pathname).toBe('/v1/imports');
      expect(lastUrl.searchParams.get('page')).toBe(String(Math.ceil(total / 3)));
      expect(lastUrl.searchParams.get('pageSize')).toBe('3');
      expectProblem(await testApp.asAdmin({ method: 'GET', url: '/v1/imports?pageSize=201' }), 400);
    });

    it('answers a malformed id with 400 and an unknown one with 404', async () => {
      const malformed = await testApp.asAdmin({ method: 'GET', url: '/v1/imports/not-a-uuid' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
      const id = randomUUID();
      const unknown = await testApp.asAdmin({ method: 'GET', url: `/v1/imports/${id}` });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(unknown.json().detail).toContain(id);
    });
  });
});
