import { Agent, fetch, type Response } from 'undici';
import {
  AddressPolicy,
  AddressRefused,
  type ResolvedAddress,
} from '../../common/net/address-policy';
import { ProblemException } from '../../common/problem/problem.exception';

/** Why a URL cannot be imported; nothing is written when this is thrown. */
export class SourceRefused extends ProblemException {
  constructor(url: string, reason: string) {
    super(422, 'source-refused', 'Source refused', `${url}: ${reason}`, [{ field: 'url', reason }]);
  }
}

const HTML_START = /^\s*(<!doctype html|<html|<head|<body)/i;

/** HTTP validators of a body (ETag, Last-Modified), for a conditional request next time. */
export interface HttpValidators {
  etag?: string;
  lastModified?: string;
}

/** A body, or `notModified` when a conditional request was answered 304. */
export type ConditionalFetch =
  { notModified: true } | { notModified: false; body: Buffer; validators: HttpValidators };

/** What a download may take and must be; `addresses` checks where a user's URL may lead. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** What the body must be, for the refusal of an HTML page. */
  expected: string;
  /**
   * For URLs a user gives (SSRF): every hop's host must resolve to addresses this policy accepts,
   * and the connection goes to the checked address. Operators' own sources need none.
   */
  addresses?: AddressPolicy;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads an import source. An error status, an HTML page or an empty body is refused before
 * anything is parsed: a popular scraper once stored a 503 page as data.
 */
export async function fetchImportSource(url: string, limits: FetchLimits): Promise<Buffer> {
  return bodyOf(url, await fetchSource(url, limits)).body;
}

/** The answer to an unconditional request: a 304 can only answer a conditional one. */
export function bodyOf(
  url: string,
  fetched: ConditionalFetch,
): { body: Buffer; validators: HttpValidators } {
  if (fetched.notModified) throw new SourceRefused(url, 'HTTP 304 to an unconditional request');
  return fetched;
}

/**
 * fetchImportSource's download with the same refusals, made conditional (If-None-Match,
 * If-Modified-Since) when validators of a body already stored are given: a source that has not
 * changed answers 304 and sends nothing.
 */
export async function fetchSource(
  url: string,
  limits: FetchLimits,
  stored?: HttpValidators,
): Promise<ConditionalFetch> {
  const { timeoutMs } = limits;
  const signal = AbortSignal.timeout(timeoutMs);
  let target = httpUrl(url, url);
  for (let redirects = 0; ; redirects++) {
    const dispatcher = limits.addresses && (await pinnedAgent(url, target, limits.addresses));
    try {
      let response: Response;
      try {
        // Redirects are followed here, hop by hop, so each new host is checked too.
        response = await fetch(target, {
          signal,
          redirect: 'manual',
          headers: conditionalHeaders(stored),
          dispatcher,
        });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : 'could not connect';
        throw new SourceRefused(url, reason);
      }
      const location = response.headers.get('location');
      if (REDIRECT_STATUSES.has(response.status) && location) {
        await response.body?.cancel();
        if (redirects >= MAX_REDIRECTS) {
          throw new SourceRefused(url, `more than ${MAX_REDIRECTS} redirects`);
        }
        target = httpUrl(url, new URL(location, target).href);
        continue;
      }
      return await readAnswer(url, response, limits, stored);
    } finally {
      await dispatcher?.destroy();
    }
  }
}

/** The URL parsed, if it is http or https. */
function httpUrl(requested: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceRefused(requested, 'not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SourceRefused(requested, 'only http and https URLs can be imported');
  }
  return parsed;
}

/** A connection pool that connects only to the address the policy accepted for this host. */
async function pinnedAgent(requested: string, target: URL, policy: AddressPolicy): Promise<Agent> {
  let address: ResolvedAddress;
  try {
    address = await policy.check(target.hostname);
  } catch (error) {
    if (!(error instanceof AddressRefused)) throw error;
    const reason = `${error.host}: ${error.reason} (IMPORT_ALLOWED_NETWORKS allows networks)`;
    throw new SourceRefused(requested, reason);
  }
  return new Agent({
    connect: {
      // Never called for an IP literal, which policy.check has accepted as it is.
      lookup: (_hostname, options, callback) => {
        if (options.all) callback(null, [address]);
        else callback(null, address.address, address.family);
      },
    },
  });
}

async function readAnswer(
  url: string,
  response: Response,
  { timeoutMs, maxBytes, expected }: FetchLimits,
  stored: HttpValidators | undefined,
): Promise<ConditionalFetch> {
  if (response.status === 304 && stored && (stored.etag || stored.lastModified)) {
    await response.body?.cancel();
    return { notModified: true };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SourceRefused(
      url,
      `the source answered HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (/text\/html|application\/xhtml/i.test(contentType)) {
    await response.body?.cancel();
    throw new SourceRefused(
      url,
      `the source answered with an HTML page (${contentType}), not ${expected}`,
    );
  }
  const body = await readLimited(response, maxBytes, url, timeoutMs);
  if (body.length === 0 || body.toString('utf8').trim() === '') {
    throw new SourceRefused(url, 'the source answered with an empty body');
  }
  if (HTML_START.test(body.subarray(0, 512).toString('utf8'))) {
    throw new SourceRefused(url, `the source answered with an HTML page, not ${expected}`);
  }
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  return {
    notModified: false,
    body,
    validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
  };
}

function conditionalHeaders(stored: HttpValidators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stored?.etag) headers['if-none-match'] = stored.etag;
  if (stored?.lastModified) headers['if-modified-since'] = stored.lastModified;
  return headers;
}

async function readLimited(
  response: Response,
  maxBytes: number,
  url: string,
  timeoutMs: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) {
        throw new SourceRefused(url, `the body is larger than ${maxBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof SourceRefused) throw error;
    // The timeout covers the whole download: a body still arriving when it fires is refused too.
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `the body did not arrive within ${timeoutMs} ms`
        : 'the connection failed while reading the body';
    throw new SourceRefused(url, reason);
  }
  return Buffer.concat(chunks);
}
