import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './webhook-sender';

/** A local receiver whose answer each test sets. */
describe('sendWebhook', () => {
  let server: Server;
  let port: number;
  let answer: (
    request: IncomingMessage,
    body: string,
  ) => { status: number; headers?: object; body?: string; delayMs?: number };
  const received: Array<{
    host: string | undefined;
    body: string;
    headers: IncomingMessage['headers'];
  }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ host: request.headers.host, body, headers: request.headers });
        const reply = answer(request, body);
        setTimeout(() => {
          response.writeHead(reply.status, { ...(reply.headers ?? {}) });
          response.end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (received.length = 0));

  const loopback = [{ address: '127.0.0.1', family: 4 as const }];

  it('connects to the pinned address, whatever the host name resolves to', async () => {
    answer = () => ({ status: 204 });
    // ".invalid" never resolves: only the pinned address can have been used.
    const url = new URL(`http://receiver.invalid:${port}/hook?x=1`);
    const outcome = await sendWebhook(url, loopback, { 'x-test': 'yes' }, '{"a":1}', 2000);
    expect(outcome).toMatchObject({ ok: true, status: 204, error: null });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ host: `receiver.invalid:${port}`, body: '{"a":1}' });
    expect(received[0].headers).toMatchObject({
      'x-test': 'yes',
      'content-type': 'application/json',
      'user-agent': 'OracXPred-Webhooks/1',
    });
  });

  it('falls back to the next checked address when the first refuses the connection', async () => {
    answer = () => ({ status: 204 });
    // Nothing listens on 127.0.0.2 (the receiver is bound to 127.0.0.1 only).
    const addresses = [{ address: '127.0.0.2', family: 4 as const }, ...loopback];
    const url = new URL(`http://receiver.invalid:${port}/hook`);
    const outcome = await sendWebhook(url, addresses, {}, '{}', 2000);
    expect(outcome).toMatchObject({ ok: true, status: 204, error: null });
    expect(received).toHaveLength(1);
  });

  it('does not follow redirects: a 3xx is a failure', async () => {
    answer = () => ({ status: 302, headers: { location: 'http://169.254.169.254/latest' } });
    const outcome = await sendWebhook(
      new URL(`http://127.0.0.1:${port}/`),
      loopback,
      {},
      '{}',
      2000,
    );
    expect(outcome).toMatchObject({ ok: false, status: 302 });
    expect(outcome.error).toContain('redirects are not followed');
    expect(received).toHaveLength(1);
  });

  it('reports an error status with the start of the answer', async () => {
    answer = () => ({ status: 503, body: 'busy, come back later' });
    const outcome = await sendWebhook(
      new URL(`http://127.0.0.1:${port}/`),
      loopback,
      {},
      '{}',
      2000,
    );
    expect(outcome).toMatchObject({
      ok: false,
      status: 503,
      error: 'HTTP 503: busy, come back later',
    });
  });

  it('gives up after the timeout', async () => {
    answer = () => ({ status: 200, delayMs: 1000 });
    const outcome = await sendWebhook(
      new URL(`http://127.0.0.1:${port}/`),
      loopback,
      {},
      '{}',
      150,
    );
    expect(outcome).toMatchObject({ ok: false, status: null, error: 'no answer within 150 ms' });
    expect(outcome.durationMs).toBeLessThan(1000);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await sendWebhook(
      new URL(`http://127.0.0.1:${freePort}/`),
      loopback,
      {},
      '{}',
      2000,
    );
    expect(outcome).toMatchObject({
      ok: false,
      status: null,
      error: 'could not deliver: ECONNREFUSED',
    });
  });
});
