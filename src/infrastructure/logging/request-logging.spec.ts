import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS, registerRequestLogging, requestIdForLogs } from './request-logging';

/** A Fastify app whose pino lines are collected as parsed JSON. */
function appWithLog(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const root = pino(
    { level, mixin: requestIdForLogs, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    stream,
  );
  const app = Fastify({ genReqId: (req) => String(req.headers['x-request-id'] ?? 'none') });
  registerRequestLogging(app, root);
  app.get('/work', async () => {
    // Later, after an await: the request id must survive asynchronous hops.
    await new Promise((resolve) => setTimeout(resolve, 5));
    root.info('doing the work');
    return { ok: true };
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  return { app, lines };
}

describe('request logging on Fastify hooks', () => {
  it('writes one completion line per request, with the id and redacted credentials', async () => {
    const { app, lines } = appWithLog();
    await app.inject({
      url: '/work?x=1',
      headers: {
        'x-request-id': 'req-1',
        authorization: 'Bearer secret',
        'x-api-key': 'k',
        cookie: 'c=1',
        accept: 'json',
      },
    });
    const completion = lines.find((l) => l.msg === 'request completed');
    expect(completion).toMatchObject({
      requestId: 'req-1',
      req: {
        method: 'GET',
        url: '/work?x=1',
        headers: {
          authorization: '[redacted]',
          'x-api-key': '[redacted]',
          cookie: '[redacted]',
          accept: 'json',
        },
      },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('stamps application lines written while serving a request with its id', async () => {
    const { app, lines } = appWithLog();
    await Promise.all([
      app.inject({ url: '/work', headers: { 'x-request-id': 'a' } }),
      app.inject({ url: '/work', headers: { 'x-request-id': 'b' } }),
    ]);
    const work = lines.filter((l) => l.msg === 'doing the work');
    const completions = lines.filter((l) => l.msg === 'request completed');
    expect(work).toHaveLength(2);
    // Each work line carries the id of its own request, never the other's.
    expect(work.map((l) => l.requestId).sort()).toEqual(['a', 'b']);
    expect(completions.map((l) => l.requestId).sort()).toEqual(['a', 'b']);
  });

  it('leaves probes out, and writes nothing per request above info level', async () => {
    const probe = appWithLog();
    await probe.app.inject({ url: '/health/live' });
    expect(probe.lines).toEqual([]);
    const quiet = appWithLog('warn');
    await quiet.app.inject({ url: '/work' });
    expect(quiet.lines).toEqual([]);
  });

  it('logs a server error as errored', async () => {
    const { app, lines } = appWithLog();
    app.get('/broken', async () => {
      throw new Error('boom');
    });
    await app.inject({ url: '/broken' });
    expect(lines.find((l) => (l.res as { statusCode?: number })?.statusCode === 500)).toMatchObject(
      {
        msg: 'request errored',
      },
    );
  });
});
