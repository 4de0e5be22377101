// Local stack: HTTP API (payload format 2.0) events shaped like API Gateway's, for the backend HTTP
// API the dev stack serves and for the handler tests.

import type { ApiFacts } from './lambda-events.js';
import { awsShapedId } from './ids.js';

export interface HttpRequestFacts {
  readonly routeKey: string;
  readonly method: string;
  /** The path below the API's prefix, e.g. `/rooms/lobby/messages`. */
  readonly path: string;
  readonly rawQueryString: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Absent when the request has no body. */
  readonly body?: string;
  readonly sourceIp: string;
  /** What an IAM authorizer adds; absent locally, where the API serves loopback only. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
}

export function httpApiEvent(api: ApiFacts, request: HttpRequestFacts, now: number) {
  const { headers, query, pathParameters, body } = request;
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName: headers['host'] ?? api.domainName,
      requestId: awsShapedId(),
      routeKey: request.routeKey,
      stage: api.stage,
      time: new Date(now).toISOString(),
      timeEpoch: now,
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      ...(request.authorizer === undefined ? {} : { authorizer: request.authorizer }),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}
