// Integration: the REQUEST authorizer with real RS256 tokens from the local dev key, and forged ones.

import { beforeAll, describe, expect, it } from '@jest/globals';
import { createDevKeys, LOCAL_AUDIENCE, LOCAL_ISSUER, type DevKeys } from '../../src/local/dev-keys.js';
import type { handler as AuthorizerHandler } from '../../src/handlers/functions/authorizer.js';
import { authorizerEvent, lambdaContext } from '../support/ws-events.js';

let keys: DevKeys;
let handler: typeof AuthorizerHandler;

beforeAll(async () => {
  keys = createDevKeys();
  process.env['LOCAL_JWKS'] = keys.jwks;
  process.env['JWT_ISSUER'] = LOCAL_ISSUER;
  process.env['JWT_AUDIENCE'] = LOCAL_AUDIENCE;
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  ({ handler } = await import('../../src/handlers/functions/authorizer.js'));
});

const invoke = (query?: Record<string, string>, headers?: Record<string, string>) =>
  handler(
    authorizerEvent({ ...(query ? { query } : {}), ...(headers ? { headers } : {}) }),
    lambdaContext('authorizer'),
  );

const now = () => Math.floor(Date.now() / 1000);

describe('the $connect authorizer', () => {
  it('allows a valid token and passes the identity on as context', async () => {
    const result = await invoke({ token: keys.sign({ sub: 'user-42', name: 'Ada' }) });
    expect(result).toEqual({
      principalId: 'user-42',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abcde12345/prod/$connect',
          },
        ],
      },
      context: { userId: 'user-42', name: 'Ada' },
    });
  });

  it('accepts the token from an Authorization: Bearer header', async () => {
    const result = await invoke(undefined, { authorization: `Bearer ${keys.sign({ sub: 'u-h' })}` });
    expect(result.context).toEqual({ userId: 'u-h', name: 'u-h' });
  });

  it('refuses a missing token with Unauthorized (401)', async () => {
    await expect(invoke()).rejects.toThrow('Unauthorized');
    await expect(invoke({ token: '  ' })).rejects.toThrow('Unauthorized');
  });

  it.each([
    ['expired', () => keys.sign({ sub: 'u' }, { issuedAt: now() - 7200, expiresInSeconds: 3600 })],
    ['from another issuer', () => keys.sign({ sub: 'u' }, { issuer: 'https://evil.example/' })],
    ['for another audience', () => keys.sign({ sub: 'u' }, { audience: 'someone-else' })],
    ['signed by another key', () => createDevKeys().sign({ sub: 'u' })],
    [
      'unsigned (alg none)',
      () => {
        const payload = keys.sign({ sub: 'u' }).split('.')[1];
        const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return `${none}.${payload}.`;
      },
    ],
    [
      'with a tampered payload',
      () => {
        const [header, , signature] = keys.sign({ sub: 'u' }).split('.');
        const forged = Buffer.from(
          JSON.stringify({ sub: 'admin', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: now() + 60 }),
        ).toString('base64url');
        return `${header}.${forged}.${signature}`;
      },
    ],
    ['that is not a JWT', () => 'not-a-jwt'],
  ])('denies a token %s (403) without saying why', async (_label, token) => {
    const result = await invoke({ token: token() });
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(result.context).toBeUndefined();
  });
});
