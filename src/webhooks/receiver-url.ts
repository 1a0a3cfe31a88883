/** Why a receiver URL is unacceptable before any address check, or undefined when it is fine. */
export function receiverUrlProblem(raw: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return allowHttp ? 'must be an http or https URL' : 'must be an https URL';
  }
  if (url.username || url.password) {
    return 'must not contain credentials (authenticate the request with the signature)';
  }
  if (url.hash) return 'must not contain a fragment';
  if (!url.hostname) return 'must name a host';
  return undefined;
}
