// Lambda entry for the `$connect` REQUEST authorizer: verifies the JWT from `?token=` (browsers cannot
// set headers on a WebSocket, and the API's identity source is that parameter: API Gateway refuses a
// handshake without it before this runs), and hands the identity to every later event of the connection
// as context. API Gateway answers 401 when this throws "Unauthorized"
// and 403 on a Deny policy; the client never learns why, the log does.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createTokenVerifier, type TokenVerifier } from '../auth/token-verifier.js';
import { readAuthConfig } from '../config.js';
import { logger } from '../runtime/powertools.js';
import { traceInvocations } from '../runtime/tracing.js';
import type { AuthorizerEvent, AuthorizerResult } from '../runtime/ws-event.js';

let verifier: TokenVerifier | undefined;

/** Built on first use, so a warm container reuses the issuer's cached key set. */
function tokenVerifier(): TokenVerifier {
  verifier ??= createTokenVerifier(readAuthConfig());
  return verifier;
}

/** Forgets the verifier, so the next call reads the environment again (local stack restarts). */
export function resetTokenVerifier(): void {
  verifier = undefined;
}

export function tokenOf(event: AuthorizerEvent): string | undefined {
  const query = event.queryStringParameters?.['token'];
  return query !== undefined && query.trim() !== '' ? query.trim() : undefined;
}

function policy(effect: 'Allow' | 'Deny', methodArn: string): AuthorizerResult['policyDocument'] {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
  };
}

export async function authorize(event: AuthorizerEvent): Promise<AuthorizerResult> {
  const token = tokenOf(event);
  if (token === undefined) {
    logger.info('connection refused: no token');
    throw new Error('Unauthorized');
  }
  // Outside the try: a misconfigured authorizer must fail loudly (500), not look like a bad token.
  const verify = tokenVerifier();
  try {
    const identity = await verify.verify(token);
    return {
      principalId: identity.userId,
      policyDocument: policy('Allow', event.methodArn),
      context: { userId: identity.userId, name: identity.name, ...identity.permissions },
    };
  } catch (error) {
    logger.warn('connection refused: invalid token', {
      reason: (error as Error).message,
      kind: (error as Error).name,
    });
    return { principalId: 'unauthorized', policyDocument: policy('Deny', event.methodArn) };
  }
}

export const handler = middy<AuthorizerEvent, AuthorizerResult>()
  .use(traceInvocations())
  .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.connectionId', resetKeys: true }))
  .handler(authorize);
