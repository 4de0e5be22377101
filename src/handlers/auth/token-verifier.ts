// Driving side (authorizer): verifies a JWT's signature, expiry, issuer and audience with aws-jwt-verify.

import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { AuthConfig } from '../config.js';

export interface VerifiedIdentity {
  readonly userId: string;
  readonly name: string;
}

export interface TokenVerifier {
  /** Resolves the token's identity, or rejects for any invalid token. */
  verify(token: string): Promise<VerifiedIdentity>;
}

export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  switch (config.kind) {
    case 'cognito': {
      // Both ID and access tokens are accepted: browsers often hold only one of them.
      const verifier = CognitoJwtVerifier.create({
        userPoolId: config.userPoolId,
        clientId: [...config.clientId],
        tokenUse: null,
      });
      return { verify: async (token) => identityOf(await verifier.verify(token)) };
    }
    case 'oidc': {
      const verifier = JwtVerifier.create({
        issuer: config.issuer,
        audience: [...config.audience],
        jwksUri: config.jwksUri,
      });
      return { verify: async (token) => identityOf(await verifier.verify(token)) };
    }
    case 'local': {
      // The key set is handed over at start, so nothing is fetched; an unknown key id fails.
      const verifier = JwtVerifier.create({
        issuer: config.issuer,
        audience: [...config.audience],
        jwksUri: 'http://127.0.0.1:9/unused-jwks.json',
      });
      verifier.cacheJwks(JSON.parse(config.jwks));
      return { verify: async (token) => identityOf(await verifier.verify(token)) };
    }
  }
}

function identityOf(payload: JwtPayload): VerifiedIdentity {
  const userId = payload.sub;
  if (typeof userId !== 'string' || userId === '') throw new Error('The token has no subject');
  const name = [
    payload['name'],
    payload['cognito:username'],
    payload['preferred_username'],
    payload['username'],
  ].find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return { userId, name: name ?? userId };
}
