import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Inject, InjectResponse } from './test-app';

/**
 * Starts the app listening on a free port and returns an Inject that sends real HTTP requests
 * to it. `app.inject` hands a request straight to Fastify's router; these arrive at the server
 * as a client's do, through the pre-router (src/infrastructure/http/pre-router.ts). node:http
 * rather than fetch, which answers a 304 to a request with If-None-Match as a 200.
 */
export async function listenForHttp(app: NestFastifyApplication): Promise<Inject> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return (options) => {
    if (typeof options.url !== 'string') throw new Error('listenForHttp takes string URLs');
    const payload = options.payload === undefined ? undefined : JSON.stringify(options.payload);
    return new Promise<InjectResponse>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: options.url as string,
          method: options.method ?? 'GET',
          headers: {
            ...(options.headers as Record<string, string> | undefined),
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            // The parts of light-my-request's response the tests read.
            resolve({
              statusCode: response.statusCode,
              headers: response.headers,
              body,
              json: () => JSON.parse(body) as unknown,
            } as unknown as InjectResponse);
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  };
}
