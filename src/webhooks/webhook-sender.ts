import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from '../common/net/address-policy';

export interface SendOutcome {
  /** True for a 2xx answer. */
  ok: boolean;
  status: number | null;
  /** Why it failed: the status and the start of the answer, or the connection error. */
  error: string | null;
  durationMs: number;
}

const RESPONSE_EXCERPT_BYTES = 512;

/**
 * POSTs `body` to `url`, connecting to `addresses` (already checked by the address policy) and to
 * no other: the lookup is pinned, so a DNS answer that changed since the check cannot redirect
 * the request. Like any client, it falls back to the next address when one does not answer (a
 * receiver with several A/AAAA records, an IPv6 address without a route). TLS still verifies the
 * certificate against the URL's host name. Redirects are not followed (a 3xx is a failure), and
 * `timeoutMs` bounds the whole exchange.
 */
export function sendWebhook(
  url: URL,
  addresses: readonly ResolvedAddress[],
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [...addresses]);
    else callback(null, addresses[0].address, addresses[0].family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<SendOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const request = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        // With every address (Node's default autoSelectFamily), each is tried in turn.
        lookup,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'OracXPred-Webhooks/1',
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          // Only the start of the answer is kept; a receiver streaming more is cut off.
          if (size >= RESPONSE_EXCERPT_BYTES * 64) response.destroy();
        });
        const done = () => {
          if (status >= 200 && status < 300) return finish({ ok: true, status, error: null });
          const excerpt = Buffer.concat(chunks)
            .subarray(0, RESPONSE_EXCERPT_BYTES)
            .toString('utf8')
            // PostgreSQL refuses NUL in text: one in the answer would leave the attempt unrecorded.
            .replaceAll('\0', '\uFFFD')
            .trim();
          const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
          finish({
            ok: false,
            status,
            error: `HTTP ${status}${redirect}${excerpt ? `: ${excerpt}` : ''}`,
          });
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const deadline = setTimeout(() => {
      finish({ ok: false, status: null, error: `no answer within ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        status: null,
        error: `could not deliver: ${error.code ?? error.message}`,
      }),
    );
    request.end(body);
  });
}
