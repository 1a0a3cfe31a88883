import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface Receipt {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (signatures are over these bytes). */
  body: string;
  /** The status this receiver answered. */
  status: number;
}

type Behaviour = (n: number) =>
  | number
  | {
      status: number;
      body?: string | Buffer;
      delayMs?: number;
      /** Answers only once this settles: a receiver that hangs until the test lets it go. */
      until?: Promise<unknown>;
    };

/**
 * A webhook receiver on 127.0.0.1, as a customer would run one. Each path answers with the
 * status its behaviour gives for the n-th request to it (1-based); 200 by default.
 */
export class WebhookReceiver {
  readonly receipts: Receipt[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  /** Requests received and not answered yet, and the most there were at once, by path. */
  private readonly open = new Map<string, number>();
  private readonly mostOpen = new Map<string, number>();
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const n = this.receipts.filter((r) => r.path === path).length + 1;
        const answer = this.behaviours.get(path)?.(n) ?? 200;
        const {
          status,
          body = status < 300 ? 'ok' : 'receiver unavailable',
          delayMs = 0,
          until = Promise.resolve(),
        } = typeof answer === 'number' ? { status: answer } : answer;
        this.receipts.push({
          path,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status,
        });
        const open = (this.open.get(path) ?? 0) + 1;
        this.open.set(path, open);
        this.mostOpen.set(path, Math.max(open, this.mostOpen.get(path) ?? 0));
        void until.finally(() =>
          setTimeout(() => {
            this.open.set(path, (this.open.get(path) ?? 1) - 1);
            response.writeHead(status, { 'content-type': 'text/plain' });
            response.end(body);
          }, delayMs),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** How `path` answers its n-th request: a status (with a stock body), or a status with a body
   * and a delay before the answer. */
  answer(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  at(path: string): Receipt[] {
    return this.receipts.filter((r) => r.path === path);
  }

  /** Requests to `path` not answered yet. */
  openAt(path: string): number {
    return this.open.get(path) ?? 0;
  }

  /** The most requests to `path` that were waiting for their answer at once. */
  mostOpenAt(path: string): number {
    return this.mostOpen.get(path) ?? 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

type Verify = (secret: string, headers: IncomingHttpHeaders, rawBody: string) => boolean;

/**
 * What a receiver does before trusting a delivery: the README's own code ("Verifying a
 * delivery"), run as printed, so the documented recipe is the one the tests prove.
 */
const readmeVerify: Verify = (() => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Verifying a delivery**'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md: no js block under "Verifying a delivery"');
  // Evaluated on purpose: the README's snippet itself.
  return new Function('require', `${code}\nreturn verify;`)(require) as Verify;
})();

export function verifySignature(secret: string, receipt: Receipt): boolean {
  return readmeVerify(secret, receipt.headers, receipt.body);
}

/** Polls `check` until it returns something truthy; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
