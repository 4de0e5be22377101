// Local emulator: the open connections and their lifecycle: the idle and maximum-age limits, frames
// out, the close handshake and the best-effort `$disconnect` after it.

import { WebSocket, type RawData } from 'ws';
import type { Meter } from './billing.js';
import type { GatewayContext } from './gateway-config.js';
import { disconnectEvent, type ConnectionFacts } from './lambda-events.js';

export interface LiveConnection extends ConnectionFacts {
  readonly socket: WebSocket;
  lastActiveAt: number;
  open: boolean;
  /** Set when the gateway closes the socket, so $disconnect reports its code and reason. */
  closing?: { code: number; reason: string; skipDisconnect?: boolean };
  cancelIdle: () => void;
  cancelAge: () => void;
}

const CLOSE_REASONS: Readonly<Record<number, string>> = { 1005: 'Client-side close frame status not set' };
/** How long a client may take to answer the close handshake before its socket is cut. */
const CLOSE_GRACE_MS = 2_000;

export class LiveConnections {
  private readonly live = new Map<string, LiveConnection>();
  private readonly pendingDisconnects = new Set<Promise<void>>();

  constructor(
    private readonly context: GatewayContext,
    private readonly meter: Meter,
  ) {}

  get(connectionId: string): LiveConnection | undefined {
    return this.live.get(connectionId);
  }

  all(): LiveConnection[] {
    return [...this.live.values()];
  }

  ids(): string[] {
    return [...this.live.keys()];
  }

  /** Registers an upgraded socket; `onMessage` receives its frames while it is open. */
  opened(
    socket: WebSocket,
    facts: ConnectionFacts,
    onMessage: (connection: LiveConnection, data: RawData, isBinary: boolean) => void,
  ): void {
    const { scheduler, limits } = this.context;
    const connection: LiveConnection = {
      ...facts,
      socket,
      lastActiveAt: scheduler.now(),
      open: true,
      cancelIdle: () => undefined,
      cancelAge: scheduler.schedule(limits.maxConnectionMs, () =>
        this.closeWith(connection, 1001, 'Going away'),
      ),
    };
    this.live.set(facts.connectionId, connection);
    this.touch(connection);
    socket.on('message', (data, isBinary) => onMessage(connection, data, isBinary));
    socket.on('close', (code, reason) => this.closed(connection, code, reason.toString('utf8')));
    socket.on('error', () => undefined);
  }

  /** Any data frame, in either direction, resets the idle timer. */
  touch(connection: LiveConnection): void {
    const { scheduler, limits } = this.context;
    connection.lastActiveAt = scheduler.now();
    connection.cancelIdle();
    connection.cancelIdle = scheduler.schedule(limits.idleTimeoutMs, () =>
      this.closeWith(connection, 1001, 'Going away'),
    );
  }

  sendFrame(connection: LiveConnection, text: string): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    this.meter.message(Buffer.byteLength(text), 'out');
    connection.socket.send(text);
  }

  closeWith(connection: LiveConnection, code: number, reason: string): void {
    if (!connection.open || connection.closing !== undefined) return;
    connection.closing = { code, reason };
    connection.socket.close(code, reason);
    this.context.scheduler.schedule(CLOSE_GRACE_MS, () => connection.socket.terminate());
  }

  /** Cuts the TCP connection without a close frame and without `$disconnect`, like a vanished client. */
  dropAbruptly(connectionId: string): boolean {
    const connection = this.live.get(connectionId);
    if (connection === undefined) return false;
    connection.closing = { code: 1006, reason: '', skipDisconnect: true };
    connection.socket.terminate();
    return true;
  }

  /** Resolves when every `$disconnect` started so far has finished. */
  async settled(): Promise<void> {
    while (this.pendingDisconnects.size > 0) await Promise.allSettled([...this.pendingDisconnects]);
  }

  private closed(connection: LiveConnection, clientCode: number, clientReason: string): void {
    if (!connection.open) return;
    const { scheduler, routes, api } = this.context;
    connection.open = false;
    connection.cancelIdle();
    connection.cancelAge();
    this.live.delete(connection.connectionId);
    this.meter.connectionClosed(scheduler.now() - connection.connectedAt);
    const code = connection.closing?.code ?? clientCode;
    const reason = connection.closing?.reason ?? CLOSE_REASONS[clientCode] ?? clientReason;
    if (connection.closing?.skipDisconnect === true) return;
    const disconnect = routes.routes['$disconnect'];
    if (disconnect === undefined) return;
    // Best effort and after the close, as in AWS: the connection can no longer be posted to.
    const startedAt = scheduler.now();
    const event = disconnectEvent(api, connection, code, reason, startedAt);
    const run = this.context
      .invoke(disconnect, event)
      .then(
        (result) => (result as { statusCode?: number } | null)?.statusCode ?? '-',
        () => 'error',
      )
      .then((status) => {
        this.context.log({
          kind: 'DISCONNECT',
          route: '$disconnect',
          connectionId: connection.connectionId,
          status,
          ms: scheduler.now() - startedAt,
          detail: `${code}`,
        });
      });
    this.pendingDisconnects.add(run);
    void run.finally(() => this.pendingDisconnects.delete(run));
  }
}
