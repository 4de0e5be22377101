// Driving side (authorizer): verifies a JWT's signature, expiry, issuer and audience with aws-jwt-verify,
// bounds how far in the future it may say it was issued, and turns it into a domain identity.

import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import {
  cleanDisplayName,
  encodePermissions,
  parsePermissions,
  ROLE_CLAIM,
  ROOMS_CLAIM,
  toIdentity,
} from '../../domain/index.js';
import type { AuthConfig } from '../config.js';

/**
 * How far an issuer's clock may run ahead of (or behind) this function's, in seconds. aws-jwt-verify
 * applies it to `nbf` and `exp` as its grace; `iat`, which it does not check, is held to it here. A
 * token that claims a later issue time was made by a broken or forged clock, and would outlive its
 * stated lifetime.
 */
export const CLOCK_SKEW_SECONDS = 60;

export interface VerifiedIdentity {
  readonly userId: string;
  readonly name: string;
  /**
   * The permission claims, encoded for the authorizer's context (`rooms`: patterns split by spaces,
   * `role`); absent when the token has neither claim.
   */
  readonly permissions?: Readonly<Record<string, string>>;
}

export interface TokenVerifier {
  /** Resolves the token's identity, or rejects for any invalid token. */
  verify(token: string): Promise<VerifiedIdentity>;
}

/** `now` is the clock `iat` is held to, in epoch milliseconds (tests pass a fixed one). */
export function createTokenVerifier(config: AuthConfig, now: () => number = Date.now): TokenVerifier {
  const accept = (payload: JwtPayload) => identityOf(payload, now());
  switch (config.kind) {
    case 'cognito': {
      // Both ID and access tokens are accepted: browsers often hold only one of them.
      const verifier = CognitoJwtVerifier.create({
        userPoolId: config.userPoolId,
        clientId: [...config.clientId],
        tokenUse: null,
        graceSeconds: CLOCK_SKEW_SECONDS,
      });
      return { verify: async (token) => accept(await verifier.verify(token)) };
    }
    case 'oidc': {
      const verifier = JwtVerifier.create({
        issuer: config.issuer,
        audience: [...config.audience],
        jwksUri: config.jwksUri,
        graceSeconds: CLOCK_SKEW_SECONDS,
      });
      return { verify: async (token) => accept(await verifier.verify(token)) };
    }
    case 'local': {
      // The key set is handed over at start, so nothing is fetched; an unknown key id fails.
      const verifier = JwtVerifier.create({
        issuer: config.issuer,
        audience: [...config.audience],
        jwksUri: 'http://127.0.0.1:9/unused-jwks.json',
        graceSeconds: CLOCK_SKEW_SECONDS,
      });
      verifier.cacheJwks(JSON.parse(config.jwks));
      return { verify: async (token) => accept(await verifier.verify(token)) };
    }
  }
}

/** Refuses a token issued in the future or one that never expires (aws-jwt-verify accepts both). */
function checkTimes(payload: JwtPayload, nowMs: number): void {
  if (payload.exp === undefined) throw new Error('The token has no expiry');
  if (payload.iat !== undefined && payload.iat - CLOCK_SKEW_SECONDS > nowMs / 1000) {
    throw new Error(`The token was issued in the future (${new Date(payload.iat * 1000).toISOString()})`);
  }
}

function identityOf(payload: JwtPayload, nowMs: number): VerifiedIdentity {
  checkTimes(payload, nowMs);
  // The first name claim with something left to show once cleaned: one of only invisible characters
  // would otherwise hide a usable username behind it.
  const name = [
    payload['name'],
    payload['cognito:username'],
    payload['preferred_username'],
    payload['username'],
  ].find((value): value is string => typeof value === 'string' && cleanDisplayName(value) !== '');
  // The one place identities are checked: a reserved or malformed subject is refused here, before
  // API Gateway would let the connection in.
  const identity = toIdentity(payload.sub, name);
  // A malformed claim refuses the token here, not each later frame.
  const permissions = parsePermissions(payload[ROOMS_CLAIM], payload[ROLE_CLAIM]);
  return {
    userId: identity.userId,
    name: identity.displayName,
    ...(permissions === undefined ? {} : { permissions: encodePermissions(permissions) }),
  };
}
