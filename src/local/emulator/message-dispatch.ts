// Local emulator: a text frame in, to its route's function: route selection with `$default` as the
// fallback, the integration timeout, error frames, and the reply of two-way routes.

import type { RawData } from 'ws';
import type { Meter } from './billing.js';
import type { GatewayContext, RouteBinding } from './gateway-config.js';
import { awsShapedId } from './ids.js';
import { messageEvent } from './lambda-events.js';
import type { LiveConnection, LiveConnections } from './live-connections.js';
import { selectRouteKey } from './route-selection.js';

function errorFrame(message: string, connectionId: string, requestId: string): string {
  // Byte for byte what API Gateway sends, odd spacing included.
  return `{"message": "${message}", "connectionId":"${connectionId}", "requestId":"${requestId}"}`;
}

const TIMED_OUT = Symbol('integration timed out');

export class MessageDispatch {
  constructor(
    private readonly context: GatewayContext,
    private readonly connections: LiveConnections,
    private readonly meter: Meter,
  ) {}

  readonly received = (connection: LiveConnection, data: RawData, isBinary: boolean): void => {
    if (!connection.open) return;
    if (isBinary) {
      this.connections.closeWith(connection, 1003, 'Binary frames are not supported');
      return;
    }
    const frame = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    this.meter.message(frame.length, 'in');
    this.connections.touch(connection);
    const text = frame.toString('utf8');
    const selected = selectRouteKey(this.context.routes.routeSelectionExpression, text);
    const routeKey = this.routeFor(selected);
    const requestId = awsShapedId();
    if (routeKey === undefined) {
      this.connections.sendFrame(connection, errorFrame('Forbidden', connection.connectionId, requestId));
      this.context.log({
        kind: 'MESSAGE',
        route: selected ?? '(not JSON)',
        connectionId: connection.connectionId,
        status: 'Forbidden',
        ms: 0,
      });
      return;
    }
    // Messages are dispatched concurrently, as API Gateway does: no ordering per connection.
    void this.dispatch(connection, routeKey, text, requestId);
  };

  /**
   * $connect and $disconnect are never selected by the expression. Routes are looked up by own keys
   * only: an action such as `constructor` or `__proto__` names no route, so it goes to $default.
   */
  private routeFor(selected: string | undefined): string | undefined {
    const { routes } = this.context.routes;
    const selectable = selected !== undefined && selected !== '$connect' && selected !== '$disconnect';
    if (selectable && Object.hasOwn(routes, selected)) return selected;
    return Object.hasOwn(routes, '$default') ? '$default' : undefined;
  }

  private async dispatch(
    connection: LiveConnection,
    routeKey: string,
    body: string,
    requestId: string,
  ): Promise<void> {
    const { routes, scheduler, api } = this.context;
    const binding = routes.routes[routeKey] as RouteBinding;
    const startedAt = scheduler.now();
    const event = messageEvent(api, connection, routeKey, body, startedAt);
    let status: number | string;
    try {
      const result = await this.withTimeout(this.context.invoke(binding, event));
      status = (result as { statusCode?: unknown } | null)?.statusCode as number;
      const reply = (result as { body?: unknown } | null)?.body;
      if (routes.twoWayRoutes?.includes(routeKey) && typeof reply === 'string' && reply !== '') {
        this.connections.sendFrame(connection, reply);
      }
    } catch (error) {
      const timedOut = error === TIMED_OUT;
      status = timedOut ? 'timeout' : 'error';
      const message = timedOut ? 'Endpoint request timed out' : 'Internal server error';
      this.connections.sendFrame(connection, errorFrame(message, connection.connectionId, requestId));
    }
    this.context.log({
      kind: 'MESSAGE',
      route: routeKey,
      connectionId: connection.connectionId,
      status: status ?? '-',
      ms: scheduler.now() - startedAt,
    });
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let cancel = () => {};
    const timeout = new Promise<never>((_, reject) => {
      cancel = this.context.scheduler.schedule(this.context.limits.integrationTimeoutMs, () =>
        reject(TIMED_OUT),
      );
    });
    return Promise.race([work, timeout]).finally(() => cancel());
  }
}
