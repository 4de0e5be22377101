// Local stack: a signing key that only this process knows, and dev tokens signed with it (RS256),
// so the real authorizer verifies local tokens exactly as it verifies an issuer's in AWS.

import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export const LOCAL_ISSUER = 'https://roomcast.local/dev';
export const LOCAL_AUDIENCE = 'roomcast-local';

export interface DevTokenClaims {
  readonly sub: string;
  readonly name?: string;
  readonly [claim: string]: unknown;
}

export interface DevTokenOptions {
  readonly expiresInSeconds?: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds since the epoch; defaults to now. */
  readonly issuedAt?: number;
}

export interface DevKeys {
  /** The public key set, as JSON, for the authorizer's LOCAL_JWKS. */
  readonly jwks: string;
  readonly kid: string;
  sign(claims: DevTokenClaims, options?: DevTokenOptions): string;
}

export function createDevKeys(): DevKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `local-${randomUUID()}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    jwks: JSON.stringify({ keys: [jwk] }),
    sign: (claims, options = {}) => signJwt(privateKey, kid, claims, options),
  };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function signJwt(key: KeyObject, kid: string, claims: DevTokenClaims, options: DevTokenOptions): string {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(
    JSON.stringify({
      iss: options.issuer ?? LOCAL_ISSUER,
      aud: options.audience ?? LOCAL_AUDIENCE,
      iat,
      exp: iat + (options.expiresInSeconds ?? 12 * 3600),
      ...claims,
    }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}
