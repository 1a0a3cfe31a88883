import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { AccessTokens } from '../tokens/access-tokens';
import { Authenticator } from './authenticator';
import type { CallerRequest } from '../../common/http/caller-request';

describe('Authenticator: why an Authorization header is refused', () => {
  const verify = jest.fn().mockResolvedValue(undefined);
  const authenticator = new Authenticator(
    { verify } as unknown as AccessTokens,
    {} as ApiKeysService,
  );
  const failure = async (authorization: string) =>
    (await authenticator.authenticate({ headers: { authorization } } as unknown as CallerRequest))
      .failure;

  it('asks for the Bearer form only when the header does not have it', async () => {
    await expect(failure('Basic dXNlcjpwdw==')).resolves.toBe(
      'the Authorization header must be "Bearer <access token>"',
    );
    await expect(failure('Bearer')).resolves.toBe(
      'the Authorization header must be "Bearer <access token>"',
    );
  });

  it('names an API key or a refresh token sent as the bearer', async () => {
    await expect(failure('Bearer oxk_5QizkzbqbvoyWJH55xqr_APhLSmBiOr4X1uzFWdFQGA')).resolves.toBe(
      'this is an API key: send it as the X-API-Key header, not as a bearer token',
    );
    await expect(failure('Bearer oxr_FTrExvxPsI5bbm_JvLmz8mSycdMXIWvjcscqDqcI8gc')).resolves.toBe(
      'this is a refresh token: send the accessToken (POST /v1/auth/refresh gives a new one)',
    );
  });

  it('calls any other bearer credential an invalid token, whatever its shape', async () => {
    await expect(failure('Bearer nope')).resolves.toBe('the access token is invalid or expired');
    await expect(failure('Bearer a.b.c')).resolves.toBe('the access token is invalid or expired');
    expect(verify).toHaveBeenCalledWith('a.b.c');
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
