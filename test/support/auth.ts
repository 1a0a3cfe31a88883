import type { InjectResponse, TestApp } from './test-app';

export const PASSWORD = 'amber-river-stone-77';

/** Checks a problem+json answer with this status and returns its body. */
export function expectProblem(response: InjectResponse, status: number) {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json<{
    type: string;
    title: string;
    detail: string;
    status: number;
    requestId: string;
    errors?: Array<{ field: string; reason: string }>;
  }>();
  expect(body.status).toBe(status);
  expect(body.requestId).toBe(response.headers['x-request-id']);
  return body;
}

/** Creates an account with `role` through an admin invitation; returns its id. */
export async function createAccount(
  testApp: TestApp,
  email: string,
  role: 'viewer' | 'user' | 'admin',
  password = PASSWORD,
): Promise<string> {
  const invitation = await testApp.asAdmin({
    method: 'POST',
    url: '/v1/invitations',
    payload: { email, role },
  });
  expect(invitation.statusCode).toBe(201);
  const registered = await testApp.app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email, password, invitation: invitation.json().token },
  });
  expect(registered.statusCode).toBe(201);
  return registered.json().id;
}
