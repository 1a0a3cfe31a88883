import { ProblemException } from '../../common/problem/problem.exception';

/** Why a URL cannot be imported; nothing is written when this is thrown. */
export class SourceRefused extends ProblemException {
  constructor(url: string, reason: string) {
    super(422, 'source-refused', 'Source refused', `${url}: ${reason}`, [{ field: 'url', reason }]);
  }
}

const HTML_START = /^\s*(<!doctype html|<html|<head|<body)/i;

/**
 * Downloads an import source. An error status, an HTML page or an empty body is refused before
 * anything is parsed: a popular scraper once stored a 503 page as data.
 */
export async function fetchImportSource(
  url: string,
  timeoutMs: number,
  maxBytes: number,
  /** What the body must be, for the refusal of an HTML page. */
  expected = 'CSV',
): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceRefused(url, 'not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SourceRefused(url, 'only http and https URLs can be imported');
  }
  let response: Response;
  try {
    response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : 'could not connect';
    throw new SourceRefused(url, reason);
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
  return body;
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
