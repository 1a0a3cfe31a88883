import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sharedDataPath } from './fixtures/shared-data';
import { query } from './support/databases';
import { waitForImport } from './support/imports';
import { startTestApp, TestApp } from './support/test-app';

/** POST /v1/imports {url}: bad sources are refused (422) before anything is written. */

const TIMEOUT_MS = 1000;
const E0 = readFileSync(sharedDataPath('football', 'football-data-co-uk', 'E0.csv'));
const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body>Try later</body></html>\n';

type Handler = (res: ServerResponse) => void;

/** The routes of the local source server. */
function routes(pending: Set<NodeJS.Timeout>): Record<string, Handler> {
  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      pending.delete(timer);
      work();
    }, ms);
    pending.add(timer);
  };
  const csv = (res: ServerResponse, body: string | Buffer) => {
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    res.end(body);
  };
  return {
    '/E0.csv': (res) => csv(res, E0),
    '/page.html': (res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_PAGE);
    },
    '/html-as-text.csv': (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`\n  ${HTML_PAGE}`);
    },
    '/error-500.csv': (res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    },
    '/error-503.csv': (res) => {
      res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '120' });
      res.end(HTML_PAGE);
    },
    '/missing.csv': (res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
    },
    '/redirect-to-500.csv': (res) => {
      res.writeHead(302, { location: '/error-503.csv' });
      res.end();
    },
    // Steers the importer to another loopback address, one IMPORT_ALLOWED_NETWORKS does not allow.
    '/redirect-inside.csv': (res) => {
      res.writeHead(302, { location: 'http://127.0.0.2:9/secret.csv' });
      res.end();
    },
    '/redirect-loop.csv': (res) => {
      res.writeHead(302, { location: '/redirect-loop.csv' });
      res.end();
    },
    '/empty.csv': (res) => csv(res, ''),
    '/blank.csv': (res) => csv(res, ' \r\n\n  \n'),
    '/huge.csv': (res) => csv(res, Buffer.alloc(1024 * 1024 + 10, 'a')),
    // Promises the whole file, sends a part, then drops the connection.
    '/cut-off.csv': (res) => {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(E0.length) });
      res.write(E0.subarray(0, 1000), () => res.destroy());
    },
    // Answers only after the import timeout.
    '/slow.csv': (res) => later(TIMEOUT_MS * 3, () => csv(res, E0)),
    // Answers at once, then sends the body too slowly to finish within the timeout.
    '/slow-body.csv': (res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write(E0.subarray(0, 1000));
      later(TIMEOUT_MS * 3, () => res.end(E0.subarray(1000)));
    },
  };
}

describe('URL import sources (PostgreSQL)', () => {
  let testApp: TestApp;
  let dbUrl: string;
  let server: Server;
  let base: string;
  const pending = new Set<NodeJS.Timeout>();

  const written = async () =>
    (
      await query<{
        runs: string;
        payloads: string;
        matches: string;
        teams: string;
        competitions: string;
      }>(
        dbUrl,
        `select (select count(*) from import_runs) as runs, (select count(*) from import_payloads) as payloads,
                (select count(*) from matches) as matches, (select count(*) from teams) as teams,
                (select count(*) from competitions) as competitions`,
      )
    )[0];
  const importUrl = (url: string, extra: Record<string, unknown> = {}) =>
    testApp.asAdmin({ method: 'POST', url: '/v1/imports', payload: { url, ...extra } });

  beforeAll(async () => {
    const table = routes(pending);
    server = createServer((req, res) => {
      const handler = table[new URL(req.url ?? '/', 'http://localhost').pathname];
      if (handler) handler(res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    testApp = await startTestApp({
      IMPORT_URL_TIMEOUT_MS: String(TIMEOUT_MS),
      IMPORT_MAX_UPLOAD_MB: '1',
      // This test's server is on loopback, which the API otherwise refuses to fetch from.
      IMPORT_ALLOWED_NETWORKS: '127.0.0.1',
    });
    dbUrl = testApp.databaseUrl;
  });
  afterAll(async () => {
    for (const timer of pending) clearTimeout(timer);
    server?.closeAllConnections();
    server?.close();
    await testApp?.close();
  });

  describe('refused sources: 422 saying why, nothing written', () => {
    const closedPort = async () => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1');
      await once(probe, 'listening');
      const { port } = probe.address() as AddressInfo;
      probe.close();
      await once(probe, 'close');
      return `http://127.0.0.1:${port}/E0.csv`;
    };

    it.each([
      ['an HTML page served as text/html', '/page.html', /HTML page \(text\/html/],
      ['an HTML page served as text/plain', '/html-as-text.csv', /HTML page/],
      ['a 500', '/error-500.csv', /HTTP 500\b/],
      ['a 503', '/error-503.csv', /HTTP 503\b/],
      ['a 404', '/missing.csv', /HTTP 404\b/],
      ['a redirect to a 503', '/redirect-to-500.csv', /HTTP 503\b/],
      [
        'a redirect to an address IMPORT_ALLOWED_NETWORKS does not allow',
        '/redirect-inside.csv',
        /127\.0\.0\.2: loopback address 127\.0\.0\.2 is not allowed/,
      ],
      ['more than 5 redirects', '/redirect-loop.csv', /more than 5 redirects/],
      ['an empty 200 body', '/empty.csv', /empty body/],
      ['a body of blank lines', '/blank.csv', /empty body/],
      ['a body over IMPORT_MAX_UPLOAD_MB', '/huge.csv', /larger than 1048576 bytes/],
      ['no answer within IMPORT_URL_TIMEOUT_MS', '/slow.csv', /within 1000 ms/],
      ['a body not complete within IMPORT_URL_TIMEOUT_MS', '/slow-body.csv', /within 1000 ms/],
      ['a connection dropped in the middle of the body', '/cut-off.csv', /connection failed/],
    ])('%s', async (_case, route, reason) => {
      const before = await written();
      const started = Date.now();
      const response = await importUrl(`${base}${route}`, { format: 'football-data-co-uk' });
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = response.json();
      expect(body).toMatchObject({
        type: expect.stringContaining('source-refused'),
        status: 422,
        instance: '/v1/imports',
        requestId: response.headers['x-request-id'],
      });
      expect(body.detail).toMatch(reason);
      expect(body.detail).toContain(`${base}${route}`);
      expect(body.errors).toEqual([{ field: 'url', reason: expect.stringMatching(reason) }]);
      // A timeout gives up in about IMPORT_URL_TIMEOUT_MS, not when the server finally answers.
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 2.5);
      expect(await written()).toEqual(before);
    });

    it('a server that is not there', async () => {
      const url = await closedPort();
      const before = await written();
      const response = await importUrl(url);
      expect(response.statusCode).toBe(422);
      expect(response.json().detail).toMatch(/could not connect/);
      expect(await written()).toEqual(before);
    });

    it.each([
      ['loopback', 'http://127.0.0.5:9/E0.csv', /loopback address 127\.0\.0\.5 is not allowed/],
      ['private', 'http://10.1.2.3/E0.csv', /private address 10\.1\.2\.3 is not allowed/],
      ['link-local (cloud metadata)', 'http://169.254.169.254/latest/', /link-local address/],
      ['IPv6 loopback', 'http://[::1]:9/E0.csv', /loopback address ::1 is not allowed/],
      ['IPv4-mapped IPv6', 'http://[::ffff:10.0.0.1]/E0.csv', /private .*inside IPv6/],
    ])('an address that is not public (%s), before connecting', async (_case, url, reason) => {
      const before = await written();
      const response = await importUrl(url);
      expect(response.statusCode).toBe(422);
      expect(response.json().errors).toEqual([
        { field: 'url', reason: expect.stringMatching(reason) },
      ]);
      expect(response.json().detail).toMatch(/IMPORT_ALLOWED_NETWORKS/);
      expect(await written()).toEqual(before);
    });

    it('left no trace at all', async () => {
      expect(await written()).toEqual({
        runs: '0',
        payloads: '0',
        matches: '0',
        teams: '0',
        competitions: '0',
      });
    });
  });

  it.each([
    ['ftp://127.0.0.1/E0.csv'],
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['//127.0.0.1/E0.csv'],
  ])('refuses the non-http URL %s with 400 naming url', async (url) => {
    const response = await importUrl(url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(['url']);
    expect((await written()).runs).toBe('0');
  });

  it('queues a valid CSV source (202) and imports it', async () => {
    const response = await importUrl(`${base}/E0.csv`);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      status: 'queued',
      source: `${base}/E0.csv`,
      strict: false,
    });
    const run = await waitForImport(testApp.asAdmin, response.json().id);
    expect(run).toMatchObject({
      status: 'succeeded',
      format: 'football-data-co-uk',
      progress: 100,
      error: null,
    });
    expect(run.counts).toMatchObject({ rowsRead: 450, rowsRejected: 0 });
    const state = await written();
    expect(run.counts.matchesInserted).toBe(Number(state.matches));
    expect(run.counts.matchesInserted).toBe(450);
    expect(state).toMatchObject({ runs: '1', payloads: '0', competitions: '1' });
    const [{ sources }] = await query<{ sources: string[] }>(
      dbUrl,
      'select array_agg(distinct source) as sources from matches',
    );
    expect(sources).toEqual(['football-data.co.uk']);
  });
});
