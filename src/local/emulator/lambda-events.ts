// Local emulator: WebSocket Lambda proxy events and contexts shaped like API Gateway's real ones (the
// handler tests build theirs here too). CONNECT carries the client's headers and query string; MESSAGE
// carries neither; DISCONNECT carries a fixed synthetic header set and the close code and reason; the
// authorizer's context is repeated on all.

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { awsShapedId } from './ids.js';

export interface ConnectionFacts {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** principalId, integrationLatency and the authorizer's context, values as API Gateway passes them. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
}

export interface ApiFacts {
  readonly apiId: string;
  readonly stage: string;
  /** `localhost:{port}`: so `https://${domainName}/${stage}` names this emulator. */
  readonly domainName: string;
  readonly region: string;
  readonly accountId: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `11/Nov/2024:11:35:24 +0000`, as in `requestContext.requestTime`. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export interface RequestContext {
  readonly routeKey: string;
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  readonly extendedRequestId: string;
  readonly requestTime: string;
  readonly messageDirection: 'IN';
  readonly stage: string;
  readonly connectedAt: number;
  readonly requestTimeEpoch: number;
  readonly identity: { readonly sourceIp: string; readonly userAgent?: string };
  readonly requestId: string;
  readonly domainName: string;
  readonly connectionId: string;
  readonly apiId: string;
  readonly authorizer?: Readonly<Record<string, unknown>>;
  readonly messageId?: string;
  readonly disconnectStatusCode?: number;
  readonly disconnectReason?: string;
}

type HeaderMap = Readonly<Record<string, string>>;
type MultiValueMap = Readonly<Record<string, readonly string[]>>;

export interface ProxyEvent {
  readonly headers?: HeaderMap;
  readonly multiValueHeaders?: MultiValueMap;
  readonly queryStringParameters?: HeaderMap;
  readonly multiValueQueryStringParameters?: MultiValueMap;
  readonly requestContext: RequestContext;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

export interface RequestAuthorizerEvent {
  readonly type: 'REQUEST';
  readonly methodArn: string;
  readonly headers: HeaderMap;
  readonly multiValueHeaders: MultiValueMap;
  readonly queryStringParameters: HeaderMap;
  readonly multiValueQueryStringParameters: MultiValueMap;
  readonly stageVariables: HeaderMap;
  readonly requestContext: RequestContext;
}

/** What CONNECT and the authorizer see of the client's upgrade request. */
export interface UpgradeRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: URLSearchParams;
}

function requestContext(
  api: ApiFacts,
  connection: ConnectionFacts,
  routeKey: string,
  eventType: RequestContext['eventType'],
  now: number,
): RequestContext {
  const requestId = awsShapedId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    identity: {
      sourceIp: connection.sourceIp,
      ...(connection.userAgent === undefined ? {} : { userAgent: connection.userAgent }),
    },
    requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
    ...(connection.authorizer === undefined ? {} : { authorizer: connection.authorizer }),
  };
}

/** Single-value map keeps the last value of a repeated key, the multi-value map keeps all. */
function headerMaps(headers: UpgradeRequest['headers']) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    single[name] = values[values.length - 1] ?? '';
    multi[name] = values;
  }
  return { headers: single, multiValueHeaders: multi };
}

function queryMaps(query: URLSearchParams) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** CONNECT: the client's headers, and its query string only when it has one. */
export function connectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  request: UpgradeRequest,
  now: number,
): ProxyEvent {
  return {
    ...headerMaps(request.headers),
    ...([...request.query.keys()].length === 0 ? {} : queryMaps(request.query)),
    requestContext: requestContext(api, connection, '$connect', 'CONNECT', now),
    isBase64Encoded: false,
  };
}

/** The REQUEST authorizer's event: always has the query and stage-variable maps, even when empty. */
export function authorizerEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  request: UpgradeRequest,
  now: number,
): RequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/$connect`,
    ...headerMaps(request.headers),
    ...queryMaps(request.query),
    stageVariables: {},
    requestContext: requestContext(api, connection, '$connect', 'CONNECT', now),
  };
}

export function messageEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  routeKey: string,
  body: string,
  now: number,
): ProxyEvent {
  const context = requestContext(api, connection, routeKey, 'MESSAGE', now);
  return {
    requestContext: { ...context, messageId: awsShapedId() },
    body,
    isBase64Encoded: false,
  };
}

export function disconnectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  code: number,
  reason: string,
  now: number,
): ProxyEvent {
  const headers = { Host: api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT', now),
      disconnectStatusCode: code,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}

/** A Lambda context for an in-process invocation with the given time budget. */
export function lambdaContext(
  functionName: string,
  api: ApiFacts,
  timeoutMs: number,
  clock: { now(): number },
): Context {
  const deadline = clock.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${api.region}:${api.accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
