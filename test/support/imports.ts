import type { ImportCountsView, ImportRunView } from '../../src/matches/imports/import.dto';
import type { Inject } from './test-app';

/** An import run as GET /v1/imports/:id shows it once final (counts are null only before). */
export type FinishedImportRun = Omit<ImportRunView, 'counts'> & { counts: ImportCountsView };

export const FINAL_IMPORT_STATUSES = ['succeeded', 'rejected', 'failed'];

export interface MultipartPart {
  name: string;
  value: string | Buffer;
  /** Makes the part a file part with this file name. */
  filename?: string;
}

/** A multipart/form-data body and its content-type header, as a browser would send them. */
export async function multipart(
  parts: MultipartPart[],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const part of parts) {
    if (part.filename !== undefined) {
      form.append(part.name, new Blob([part.value], { type: 'text/csv' }), part.filename);
    } else {
      form.append(part.name, String(part.value));
    }
  }
  const response = new Response(form);
  return {
    payload: Buffer.from(await response.arrayBuffer()),
    headers: { 'content-type': response.headers.get('content-type')! },
  };
}

/** POST /v1/imports with a multipart upload of `content` (plus optional plain fields). */
export async function uploadImport(
  inject: Inject,
  content: string | Buffer,
  filename: string,
  fields: Record<string, string> = {},
) {
  const body = await multipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: 'file', value: content, filename },
  ]);
  return inject({ method: 'POST', url: '/v1/imports', ...body });
}

/** Polls GET /v1/imports/:id until the run is final; fails after `timeoutMs`. */
export async function waitForImport(
  inject: Inject,
  id: string,
  timeoutMs = 60_000,
): Promise<FinishedImportRun> {
  const deadline = Date.now() + timeoutMs;
  let last: FinishedImportRun | undefined;
  while (Date.now() < deadline) {
    const response = await inject({ method: 'GET', url: `/v1/imports/${id}` });
    if (response.statusCode !== 200) {
      throw new Error(`GET /v1/imports/${id} answered ${response.statusCode}: ${response.body}`);
    }
    last = response.json<FinishedImportRun>();
    if (FINAL_IMPORT_STATUSES.includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `import ${id} not finished after ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`,
  );
}
