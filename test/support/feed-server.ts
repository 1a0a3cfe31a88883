import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export type FeedHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => void | Promise<void>;

export interface FeedServer {
  url: string;
  /** Requests answered so far. */
  requests: number;
  /** The most requests being answered at the same moment so far. */
  maxConcurrent: number;
  setHandler(handler: FeedHandler): void;
  close(): Promise<void>;
}

/** A local HTTP server standing in for a live feed; the handler can change during a test. */
export async function startFeedServer(handler: FeedHandler): Promise<FeedServer> {
  let current = handler;
  let active = 0;
  const state = { requests: 0, maxConcurrent: 0 };
  const server: Server = createServer((request, response) => {
    state.requests += 1;
    active += 1;
    state.maxConcurrent = Math.max(state.maxConcurrent, active);
    response.on('close', () => (active -= 1));
    void Promise.resolve(current(request, response)).catch(() => {
      response.statusCode = 500;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/feed`,
    get requests() {
      return state.requests;
    },
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    setHandler: (next) => (current = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
