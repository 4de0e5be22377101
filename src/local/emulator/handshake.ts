// Local emulator: the opening handshake up to the upgrade: the stage path, the authorizer (identity
// sources, then its policy) and `$connect`, whose answer decides the status and the subprotocol.

import type { IncomingMessage } from 'node:http';
import { authorizerContext, identitySourcesPresent, policyAllows } from './authorizer-policy.js';
import type { GatewayContext } from './gateway-config.js';
import { awsShapedId } from './ids.js';
import { authorizerEvent, connectEvent, type ConnectionFacts, type UpgradeRequest } from './lambda-events.js';

export type HandshakeOutcome =
  | { readonly accepted: true; readonly facts: ConnectionFacts; readonly protocol?: string }
  | {
      readonly accepted: false;
      readonly status: number;
      readonly connectionId?: string;
      readonly detail?: string;
    };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The client's headers with the client's own casing, plus what API Gateway adds. */
function forwardedHeaders(request: IncomingMessage, sourceIp: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    const known = headers[name];
    headers[name] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
  }
  headers['X-Forwarded-For'] = sourceIp;
  headers['X-Forwarded-Port'] = String(request.socket.localPort ?? '');
  headers['X-Forwarded-Proto'] = 'http';
  return headers;
}

function refused(status: number, connectionId?: string, detail?: string): HandshakeOutcome {
  return {
    accepted: false,
    status,
    ...(connectionId === undefined ? {} : { connectionId }),
    ...(detail === undefined ? {} : { detail }),
  };
}

/** Runs the authorizer, if any; adds its context to `facts`, or says why the handshake is refused. */
async function authorize(
  context: GatewayContext,
  request: IncomingMessage,
  upgrade: UpgradeRequest,
  facts: Mutable<ConnectionFacts>,
): Promise<HandshakeOutcome | undefined> {
  const authorizer = context.routes.authorizer;
  if (authorizer === undefined) return undefined;
  const header = (name: string) => headerValue(request, name);
  if (!identitySourcesPresent(authorizer.identitySources, header, upgrade.query)) {
    return refused(401, facts.connectionId, 'identity source missing');
  }
  const invokedAt = context.scheduler.now();
  const event = authorizerEvent(context.api, facts, upgrade, invokedAt);
  let result: unknown;
  try {
    result = await context.invoke(authorizer, event);
  } catch (error) {
    const unauthorized = (error as Error)?.message === 'Unauthorized';
    return refused(unauthorized ? 401 : 500, facts.connectionId, 'authorizer');
  }
  if (!policyAllows(result, event.methodArn)) return refused(403, facts.connectionId, 'authorizer');
  facts.authorizer = authorizerContext(result, context.scheduler.now() - invokedAt);
  return undefined;
}

/** Runs `$connect`, if any: a 2xx accepts, and its `Sec-WebSocket-Protocol` header picks the subprotocol. */
async function runConnect(
  context: GatewayContext,
  upgrade: UpgradeRequest,
  facts: ConnectionFacts,
): Promise<HandshakeOutcome> {
  const connect = context.routes.routes['$connect'];
  if (connect === undefined) return { accepted: true, facts };
  let result: unknown;
  try {
    result = await context.invoke(
      connect,
      connectEvent(context.api, facts, upgrade, context.scheduler.now()),
    );
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return refused(502, facts.connectionId, `connect handler threw (${reason})`);
  }
  const status = (result as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number') return refused(502, facts.connectionId, 'no statusCode');
  if (status < 200 || status > 299) return refused(status, facts.connectionId);
  const responseHeaders = (result as { headers?: Record<string, string> }).headers ?? {};
  const protocol = Object.entries(responseHeaders).find(
    ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
  )?.[1];
  return { accepted: true, facts, ...(protocol === undefined ? {} : { protocol }) };
}

export async function negotiate(
  context: GatewayContext,
  request: IncomingMessage,
): Promise<HandshakeOutcome> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && path !== `/${context.api.stage}`) return refused(403);

  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const userAgent = headerValue(request, 'user-agent');
  const facts: Mutable<ConnectionFacts> = {
    connectionId: awsShapedId(),
    connectedAt: context.scheduler.now(),
    sourceIp,
    ...(userAgent === undefined ? {} : { userAgent }),
  };
  const upgrade: UpgradeRequest = { headers: forwardedHeaders(request, sourceIp), query: url.searchParams };
  const refusal = await authorize(context, request, upgrade, facts);
  return refusal ?? runConnect(context, upgrade, facts);
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** The HTTP response API Gateway writes instead of the upgrade. */
export function refusalResponse(status: number): string {
  const text = STATUS_TEXT[status] ?? 'Error';
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"${text}"}`;
}
