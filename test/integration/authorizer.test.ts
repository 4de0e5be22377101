// Integration: the REQUEST authorizer with real RS256 tokens from the local dev key, forged ones, and
// ones whose clock claims do not hold; permission claims from the dev key and from a second issuer.

import { beforeAll, describe, expect, it } from '@jest/globals';
import { createDevKeys, LOCAL_AUDIENCE, LOCAL_ISSUER, type DevKeys } from '../../src/local/dev-keys.js';
import { CLOCK_SKEW_SECONDS, createTokenVerifier } from '../../src/handlers/auth/token-verifier.js';
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
const DAY = 24 * 3600;

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

  it('reads the token from the query string only, as the identity source lets only it through', async () => {
    const token = keys.sign({ sub: 'u-h' });
    await expect(invoke(undefined, { authorization: `Bearer ${token}` })).rejects.toThrow('Unauthorized');
    expect((await invoke({ token }, { authorization: 'Bearer not-a-token' })).context).toEqual({
      userId: 'u-h',
      name: 'u-h',
    });
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
    ['issued a day in the future', () => keys.sign({ sub: 'u' }, { issuedAt: now() + DAY })],
    ['not valid until tomorrow', () => keys.sign({ sub: 'u', nbf: now() + DAY })],
    ['without an expiry', () => keys.sign({ sub: 'u', exp: undefined })],
    ['for the reserved system user', () => keys.sign({ sub: 'system' })],
    ['for the reserved system user in capitals', () => keys.sign({ sub: 'SYSTEM' })],
    ['for the reserved system user in mixed case', () => keys.sign({ sub: 'System' })],
    ['whose subject cannot be a user id', () => keys.sign({ sub: 'a#b' })],
  ])('denies a token %s (403) without saying why', async (_label, token) => {
    const result = await invoke({ token: token() });
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(result.context).toBeUndefined();
  });

  // The token is signed before the authorizer reads the clock, so "now" at verification is never
  // earlier than at signing: these pass whatever the wall clock does between the two.
  it.each([
    ['issued within the skew', () => keys.sign({ sub: 'u-s' }, { issuedAt: now() + CLOCK_SKEW_SECONDS / 2 })],
    ['not valid until within the skew', () => keys.sign({ sub: 'u-s', nbf: now() + CLOCK_SKEW_SECONDS / 2 })],
  ])("allows a token %s, as issuers' clocks drift", async (_label, token) => {
    const result = await invoke({ token: token() });
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(result.context).toEqual({ userId: 'u-s', name: 'u-s' });
  });

  it('passes on the display name cleaned, and skips a name claim with nothing to show', async () => {
    const bidi = await invoke({ token: keys.sign({ sub: 'u-n', name: '\u202EAda\u200B  Love\uD800lace' }) });
    expect(bidi.context).toEqual({ userId: 'u-n', name: 'Ada Lovelace' });
    const invisible = await invoke({
      token: keys.sign({ sub: 'u-n', name: '\u200B\u202E\uFEFF', preferred_username: 'ada' }),
    });
    expect(invisible.context).toEqual({ userId: 'u-n', name: 'ada' });
  });
});

describe('the token verifier on its own clock', () => {
  const T = now();
  const verifier = () =>
    createTokenVerifier(
      { kind: 'local', issuer: LOCAL_ISSUER, audience: [LOCAL_AUDIENCE], jwks: keys.jwks },
      () => T * 1000,
    );

  it('accepts a token issued exactly the allowed skew ahead of its clock', async () => {
    const token = keys.sign({ sub: 'u-c' }, { issuedAt: T + CLOCK_SKEW_SECONDS });
    await expect(verifier().verify(token)).resolves.toEqual({ userId: 'u-c', name: 'u-c' });
  });

  it('refuses a token issued one second past the allowed skew', async () => {
    const token = keys.sign({ sub: 'u-c' }, { issuedAt: T + CLOCK_SKEW_SECONDS + 1 });
    await expect(verifier().verify(token)).rejects.toThrow('issued in the future');
  });

  it('refuses a token issued a day ahead', async () => {
    const token = keys.sign({ sub: 'u-c' }, { issuedAt: T + DAY });
    await expect(verifier().verify(token)).rejects.toThrow('issued in the future');
  });
});

describe('permission claims', () => {
  it('pass room patterns (an array or one string) and the role on as context strings', async () => {
    const listed = await invoke({
      token: keys.sign({ sub: 'u-p', 'roomcast:rooms': ['team-*', 'lobby'], 'roomcast:role': 'moderator' }),
    });
    expect(listed.context).toEqual({ userId: 'u-p', name: 'u-p', rooms: 'team-* lobby', role: 'moderator' });
    const spaced = await invoke({ token: keys.sign({ sub: 'u-p', 'roomcast:rooms': 'ops, eu-*' }) });
    expect(spaced.context).toEqual({ userId: 'u-p', name: 'u-p', rooms: 'ops eu-*' });
    const reader = await invoke({ token: keys.sign({ sub: 'u-p', 'roomcast:role': 'readonly' }) });
    expect(reader.context).toEqual({ userId: 'u-p', name: 'u-p', role: 'readonly' });
  });

  it.each([
    ['a room pattern rooms cannot match', { 'roomcast:rooms': ['team#1'] }],
    ['rooms that are not a list', { 'roomcast:rooms': { team: true } }],
    ['an unknown role', { 'roomcast:role': 'admin' }],
  ])('denies a token with %s rather than dropping the restriction', async (_label, claims) => {
    const result = await invoke({ token: keys.sign({ sub: 'u-p', ...claims }) });
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
  });
});

describe('permission claims from a second issuer', () => {
  // Another issuer with its own key and audience; its key set is handed over as an issuer's JWKS would
  // be fetched (aws-jwt-verify fetches only over https).
  const issuer = 'https://idp.example.com/';
  const issuerKeys = createDevKeys();
  const verifier = () =>
    createTokenVerifier({ kind: 'local', issuer, audience: ['second-app'], jwks: issuerKeys.jwks });

  it('reads the same claims from its tokens', async () => {
    const token = issuerKeys.sign(
      { sub: 'idp|7', name: 'Rae', 'roomcast:rooms': 'support-*', 'roomcast:role': 'readonly' },
      { issuer, audience: 'second-app' },
    );
    await expect(verifier().verify(token)).resolves.toEqual({
      userId: 'idp|7',
      name: 'Rae',
      permissions: { rooms: 'support-*', role: 'readonly' },
    });
  });

  it('refuses its token with a malformed claim, and a token of the dev key for its issuer', async () => {
    const malformed = issuerKeys.sign(
      { sub: 'idp|7', 'roomcast:rooms': [''] },
      { issuer, audience: 'second-app' },
    );
    await expect(verifier().verify(malformed)).rejects.toThrow('roomcast:rooms');
    const foreign = keys.sign({ sub: 'idp|7' }, { issuer, audience: 'second-app' });
    await expect(verifier().verify(foreign)).rejects.toThrow();
  });
});
