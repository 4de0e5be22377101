// Test support: API Gateway WebSocket events shaped like real captures (see docs/protocol.md and
// the captures they follow): CONNECT with headers and query, MESSAGE with neither, DISCONNECT with close codes.

import type { Context } from 'aws-lambda';
import type { AuthorizerEvent, WsEvent, WsRequestContext } from '../../src/handlers/runtime/ws-event.js';

let counter = 0;
const requestId = () => `Req${String((counter += 1)).padStart(12, '0')}=`;

function context(
  eventType: WsRequestContext['eventType'],
  routeKey: string,
  connectionId: string,
  extra: Partial<WsRequestContext> = {},
): WsRequestContext {
  const id = requestId();
  return {
    routeKey,
    eventType,
    connectionId,
    // Real time: records expire relative to when the connection was made.
    connectedAt: Date.now(),
    requestId: id,
    requestTimeEpoch: Date.now(),
    domainName: 'abcde12345.execute-api.eu-west-1.amazonaws.com',
    stage: 'prod',
    apiId: 'abcde12345',
    identity: { sourceIp: '127.0.0.1' },
    ...extra,
  };
}

export interface Authorized {
  readonly authorizer?: Record<string, unknown>;
}

export function connectEvent(
  connectionId: string,
  options: Authorized & { query?: Record<string, string> } = {},
): WsEvent {
  return {
    requestContext: context(
      'CONNECT',
      '$connect',
      connectionId,
      options.authorizer ? { authorizer: options.authorizer } : {},
    ),
    headers: { Host: 'abcde12345.execute-api.eu-west-1.amazonaws.com', 'Sec-WebSocket-Version': '13' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    isBase64Encoded: false,
  };
}

export function messageEvent(
  connectionId: string,
  routeKey: string,
  body: string | undefined,
  options: Authorized = {},
): WsEvent {
  return {
    requestContext: context('MESSAGE', routeKey, connectionId, {
      messageId: requestId(),
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    }),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export function disconnectEvent(connectionId: string, options: Authorized = {}): WsEvent {
  return {
    requestContext: context('DISCONNECT', '$disconnect', connectionId, {
      disconnectStatusCode: 1005,
      disconnectReason: 'Client-side close frame status not set',
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    }),
    headers: {
      Host: 'abcde12345.execute-api.eu-west-1.amazonaws.com',
      'x-api-key': '',
      'X-Forwarded-For': '',
      'x-restapi': '',
    },
    isBase64Encoded: false,
  };
}

export function authorizerEvent(
  options: { query?: Record<string, string>; headers?: Record<string, string> } = {},
): AuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abcde12345/prod/$connect',
    headers: { Connection: 'upgrade', Upgrade: 'websocket', ...options.headers },
    queryStringParameters: options.query ?? {},
    requestContext: context('CONNECT', '$connect', 'AuthConn0000001='),
  };
}

/** A Lambda context as the runtime passes it. */
export function lambdaContext(functionName = 'roomcast-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${requestId()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An API Gateway HTTP API (payload format 2.0) event, as an IAM-authorized backend call arrives. */
export function httpEvent(
  routeKey: string,
  options: {
    path: string;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
  },
) {
  const [method = 'GET'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { host: 'abcde12345.execute-api.eu-west-1.amazonaws.com', 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcde12345',
      requestId: requestId(),
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: { method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      authorizer: { iam: { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:user/backend' } },
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    isBase64Encoded: false,
  };
}
