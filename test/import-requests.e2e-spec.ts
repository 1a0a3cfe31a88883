import type { LightMyRequestResponse } from 'fastify';
import { query } from './support/databases';
import { startTestApp, TestApp } from './support/test-app';

/** POST /v1/imports bodies that are malformed as a whole: a 400 problem naming the body, no run. */

describe('imports API: malformed request bodies (PostgreSQL)', () => {
  let testApp: TestApp;
  const runCount = async () =>
    Number(
      (await query<{ n: string }>(testApp.databaseUrl, 'select count(*) as n from import_runs'))[0]
        .n,
    );

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  const expectBodyProblem = (response: LightMyRequestResponse) => {
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json();
    expect(body).toMatchObject({ status: 400, instance: '/v1/imports' });
    expect(body.errors).toEqual([{ field: 'body', reason: expect.any(String) }]);
    return body as { errors: Array<{ reason: string }> };
  };

  it.each([
    ['no boundary parameter', 'multipart/form-data', 'file=x'],
    ['a body that is not multipart', 'multipart/form-data; boundary=xyz', 'garbage'],
    [
      'a body cut off inside the file',
      'multipart/form-data; boundary=xyz',
      '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n' +
        'Content-Type: text/csv\r\n\r\nDiv,Date,HomeTeam',
    ],
  ])('multipart with %s', async (_case, contentType, payload) => {
    const runs = await runCount();
    const body = expectBodyProblem(
      await testApp.asAdmin({
        method: 'POST',
        url: '/v1/imports',
        headers: { 'content-type': contentType },
        payload,
      }),
    );
    expect(body.errors[0].reason).toMatch(/multipart/);
    expect(await runCount()).toBe(runs);
  });

  it.each([['[]'], ['"https://example.org/E0.csv"'], ['42']])(
    'the JSON body %s (not an object)',
    async (payload) => {
      const runs = await runCount();
      const body = expectBodyProblem(
        await testApp.asAdmin({
          method: 'POST',
          url: '/v1/imports',
          headers: { 'content-type': 'application/json' },
          payload,
        }),
      );
      expect(body.errors[0].reason).toMatch(/JSON object/);
      expect(await runCount()).toBe(runs);
    },
  );
});
