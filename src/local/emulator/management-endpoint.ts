// Local emulator: the @connections management API as the gateway serves it on its own port: the
// directory of live connections behind it, with the injected faults applied on the way.

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  handleManagementRequest,
  matchConnectionsPath,
  type ConnectionDirectory,
  type ConnectionInfo,
} from '../management-api.js';
import type { Faults } from './faults.js';
import type { GatewayContext } from './gateway-config.js';
import type { LiveConnections } from './live-connections.js';
import { delay } from './scheduler.js';

export function connectionDirectory(connections: LiveConnections, faults: Faults): ConnectionDirectory {
  // A connection already closing is gone for the management API.
  const reachable = (connectionId: string) => {
    const connection = connections.get(connectionId);
    return connection !== undefined && connection.open && connection.closing === undefined
      ? connection
      : undefined;
  };
  return {
    send: (connectionId, data) => {
      const connection = reachable(connectionId);
      if (connection === undefined) return 'gone';
      const refused = faults.refusePost(connectionId);
      if (refused !== undefined) return refused;
      connections.sendFrame(connection, data.toString('utf8'));
      connections.touch(connection);
      return 'sent';
    },
    close: (connectionId) => {
      const connection = reachable(connectionId);
      if (connection === undefined) return false;
      connections.closeWith(connection, 1000, 'Connection Closed Normally');
      return true;
    },
    info: (connectionId): ConnectionInfo | undefined => {
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

/** Serves @connections calls (after the injected latency) and refuses every other HTTP request. */
export async function serveManagement(
  context: GatewayContext,
  directory: ConnectionDirectory,
  faults: Faults,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { scheduler, api } = context;
  const startedAt = scheduler.now();
  const url = new URL(request.url ?? '/', 'http://localhost');
  const connectionId = matchConnectionsPath(url.pathname, api.stage);
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
  if (!handleManagementRequest(request, response, { directory, stage: api.stage })) {
    request.resume();
    response.writeHead(403, {
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': 'ForbiddenException',
    });
    response.end('{"message":"Forbidden"}');
  }
}
