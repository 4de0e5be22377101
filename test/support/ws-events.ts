// Test support: the Lambda events handler tests feed in, built by the emulator's own event builders
// (the shapes docs/protocol.md describes) for a deployed-looking API: CONNECT with headers and query,
// MESSAGE with neither, DISCONNECT with a close code, the REQUEST authorizer's event, HTTP API calls.

import type { Context } from 'aws-lambda';
import { httpApiEvent } from '../../src/local/emulator/http-events.js';
import * as emulator from '../../src/local/emulator/lambda-events.js';
import { realScheduler } from '../../src/local/emulator/scheduler.js';
import type { AuthorizerEvent, WsEvent } from '../../src/handlers/runtime/ws-event.js';

const WS_API: emulator.ApiFacts = {
  apiId: 'abcde12345',
  stage: 'prod',
  domainName: 'abcde12345.execute-api.eu-west-1.amazonaws.com',
  region: 'eu-west-1',
  accountId: '123456789012',
};

const HTTP_API: emulator.ApiFacts = { ...WS_API, stage: '$default' };

export interface Authorized {
  readonly authorizer?: Record<string, unknown>;
}

function connection(connectionId: string, options: Authorized): emulator.ConnectionFacts {
  return {
    connectionId,
    // Real time: records expire relative to when the connection was made.
    connectedAt: Date.now(),
    sourceIp: '127.0.0.1',
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
  };
}

export function connectEvent(
  connectionId: string,
  options: Authorized & { query?: Record<string, string> } = {},
): WsEvent {
  const request = {
    headers: { Host: WS_API.domainName, 'Sec-WebSocket-Version': '13' },
    query: new URLSearchParams(options.query),
  };
  return emulator.connectEvent(WS_API, connection(connectionId, options), request, Date.now());
}

/** `body` undefined: a MESSAGE without one, which API Gateway never sends, for the handlers' guard. */
export function messageEvent(
  connectionId: string,
  routeKey: string,
  body: string | undefined,
  options: Authorized = {},
): WsEvent {
  const facts = connection(connectionId, options);
  const { body: _sent, ...event } = emulator.messageEvent(WS_API, facts, routeKey, body ?? '', Date.now());
  return body === undefined ? event : { ...event, body };
}

/** A client that closed without a status code (1005), as browsers closing a tab do. */
export function disconnectEvent(connectionId: string, options: Authorized = {}): WsEvent {
  const reason = 'Client-side close frame status not set';
  return emulator.disconnectEvent(WS_API, connection(connectionId, options), 1005, reason, Date.now());
}

export function authorizerEvent(
  options: { query?: Record<string, string>; headers?: Record<string, string> } = {},
): AuthorizerEvent {
  const request = {
    headers: { Connection: 'upgrade', Upgrade: 'websocket', ...options.headers },
    query: new URLSearchParams(options.query),
  };
  return emulator.authorizerEvent(WS_API, connection('AuthConn0000001=', {}), request, Date.now());
}

/** A Lambda context as the runtime passes it, with the deployed functions' 30-second budget. */
export function lambdaContext(functionName = 'roomcast-test'): Context {
  return emulator.lambdaContext(functionName, WS_API, 30_000, realScheduler);
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
  const query = options.query ?? {};
  return httpApiEvent(
    HTTP_API,
    {
      routeKey,
      method,
      path: options.path,
      rawQueryString: new URLSearchParams(query).toString(),
      headers: { host: WS_API.domainName, 'content-type': 'application/json', 'user-agent': 'test' },
      query,
      pathParameters: options.pathParameters ?? {},
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      sourceIp: '127.0.0.1',
      authorizer: { iam: { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:user/backend' } },
    },
    Date.now(),
  );
}
