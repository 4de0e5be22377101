// Local emulator: the @connections management API as the gateway serves it on its own port: the
// directory of live connections (and benchmark sinks) behind it, with the Host check, the signature
// check, the account throttle and the injected faults applied on the way.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { foreignHostMessage, hasLoopbackHost } from '../loopback-host.js';
import {
  handleManagementRequest,
  matchConnectionsPath,
  type CallAuthenticator,
  type ConnectionDirectory,
  type ConnectionInfo,
} from '../management-api.js';
import type { AccountThrottle } from './account-throttle.js';
import type { Faults } from './faults.js';
import type { GatewayContext } from './gateway-config.js';
import type { LiveConnections } from './live-connections.js';
import { delay, type Scheduler } from './scheduler.js';
import type { Sinks } from './sinks.js';

export function connectionDirectory(
  connections: LiveConnections,
  sinks: Sinks,
  faults: Faults,
  scheduler: Scheduler,
): ConnectionDirectory {
  // A connection already closing is gone for the management API.
  const reachable = (connectionId: string) => {
    const connection = connections.get(connectionId);
    return connection !== undefined && connection.open && connection.closing === undefined
      ? connection
      : undefined;
  };
  return {
    send: (connectionId, data) => {
      if (sinks.has(connectionId)) {
        const refused = faults.refusePost(connectionId);
        if (refused !== undefined) return refused;
        sinks.record(connectionId, scheduler.now());
        return 'sent';
      }
      const connection = reachable(connectionId);
      if (connection === undefined) return 'gone';
      const refused = faults.refusePost(connectionId);
      if (refused !== undefined) return refused;
      connections.sendFrame(connection, data.toString('utf8'));
      connections.touch(connection);
      return 'sent';
    },
    close: (connectionId) => {
      if (sinks.remove(connectionId)) return true;
      const connection = reachable(connectionId);
      if (connection === undefined) return false;
      connections.closeWith(connection, 1000, 'Connection Closed Normally');
      return true;
    },
    info: (connectionId): ConnectionInfo | undefined => {
      const sink = sinks.info(connectionId);
      if (sink !== undefined) return { ...sink, sourceIp: '127.0.0.1' };
      const connection = connections.get(connectionId);
      if (connection === undefined || !connection.open) return undefined;
      return {
        connectedAt: connection.connectedAt,
        lastActiveAt: connection.lastActiveAt,
        sourceIp: connection.sourceIp,
        ...(connection.userAgent === undefined ? {} : { userAgent: connection.userAgent }),
      };
    },
  };
}

/** What the gateway's HTTP side holds: the connections, the refusals it injects, and who may call. */
export interface ManagementParts {
  readonly directory: ConnectionDirectory;
  readonly faults: Faults;
  readonly throttle: AccountThrottle;
  readonly authenticator: CallAuthenticator;
}

/**
 * Serves @connections calls (after the injected latency) and refuses every other HTTP request. A request
 * naming a host other than loopback is refused first, unlogged and uncounted: it comes from a page that
 * rebound its name to this machine, not from a caller of this API. The account throttle counts a call
 * when it arrives; a refused call is still answered after the latency, as the round trip costs the same
 * either way. Calls without a valid signature get API Gateway's 403s.
 */
export async function serveManagement(
  context: GatewayContext,
  { directory, faults, throttle, authenticator }: ManagementParts,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!hasLoopbackHost(request)) {
    request.resume();
    response.writeHead(421, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ message: foreignHostMessage(request.headers.host) }));
    return;
  }
  const { scheduler, api } = context;
  const startedAt = scheduler.now();
  const url = new URL(request.url ?? '/', 'http://localhost');
  const connectionId = matchConnectionsPath(url.pathname, api.stage);
  const admitted = connectionId === undefined || throttle.admit();
  if (connectionId !== undefined && faults.latencyMs > 0) await delay(scheduler, faults.latencyMs);
  response.on('finish', () => {
    if (connectionId === undefined) return;
    context.log({
      kind: 'MANAGEMENT',
      route: `${request.method} @connections`,
      connectionId,
      status: response.statusCode,
      ms: scheduler.now() - startedAt,
    });
  });
  if (!admitted) {
    request.resume();
    sendTooManyRequests(response);
    return;
  }
  if (!handleManagementRequest(request, response, { directory, stage: api.stage, authenticator })) {
    request.resume();
    response.writeHead(403, {
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': 'ForbiddenException',
    });
    response.end('{"message":"Forbidden"}');
  }
}

/**
 * The account throttle's answer. 429 and LimitExceededException are what the @connections API's model
 * documents for "more than the allowed number of requests per unit of time"; the SDK maps that type to
 * LimitExceededException, and its retry strategy (like the notifier's) treats both the type and the
 * status as throttling. The message is the one API Gateway's throttle sends on its other APIs.
 */
function sendTooManyRequests(response: ServerResponse): void {
  response.writeHead(429, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': 'LimitExceededException',
    'x-amzn-RequestId': randomUUID(),
  });
  response.end('{"message":"Too Many Requests"}');
}
