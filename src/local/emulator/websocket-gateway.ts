// Local emulator of an API Gateway WebSocket API stage: the data plane (handshake with authorizer and
// $connect, route selection, MESSAGE and DISCONNECT events, limits and timeouts) and the @connections
// management API on the same port, invoking Lambda handlers in-process with real-shaped events.
// This module wires the parts together; every one of them takes its time from the one scheduler.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AccountThrottle, type AccountRateLimit } from './account-throttle.js';
import { Meter, type GatewayStats } from './billing.js';
import { Faults } from './faults.js';
import {
  AWS_LIMITS,
  gatewayContext,
  type GatewayContext,
  type GatewayOptions,
  type GatewayRoutes,
} from './gateway-config.js';
import { negotiate, refusalResponse } from './handshake.js';
import { LiveConnections } from './live-connections.js';
import { foreignHostUpgradeRefusal, hasLoopbackHost } from '../loopback-host.js';
import { LOCAL_CREDENTIALS } from '../dynamodb-local.js';
import { connectionDirectory, serveManagement, type ManagementParts } from './management-endpoint.js';
import { MessageDispatch } from './message-dispatch.js';
import { RequestSignatureCheck, type SigningCredentials } from './request-signature.js';
import { delay, realScheduler } from './scheduler.js';
import { Sinks, type SinkDeliveries } from './sinks.js';

export { Faults } from './faults.js';
export type { AccountRateLimit } from './account-throttle.js';
export type { SinkDeliveries } from './sinks.js';
export type { GatewayStats } from './billing.js';
export {
  AWS_LIMITS,
  type GatewayLimits,
  type GatewayOptions,
  type GatewayRoutes,
  type GatewayRuntimeOptions,
  type LambdaHandler,
  type RequestLogEntry,
  type RouteBinding,
} from './gateway-config.js';

/** How long `stop` waits for clients to answer the close handshake before cutting them. */
const STOP_GRACE_MS = 3_000;

type UpgradeRequest = IncomingMessage & { chosenProtocol?: string };

export class WebSocketGateway {
  readonly faults = new Faults();
  private readonly meter = new Meter();
  private readonly sinks = new Sinks();
  private readonly throttle: AccountThrottle;
  private readonly connections: LiveConnections;
  private readonly dispatch: MessageDispatch;

  private constructor(
    private readonly context: GatewayContext,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    credentials: SigningCredentials,
  ) {
    this.connections = new LiveConnections(context, this.meter);
    this.dispatch = new MessageDispatch(context, this.connections, this.meter);
    this.throttle = new AccountThrottle(context.scheduler);
    const parts: ManagementParts = {
      directory: connectionDirectory(this.connections, this.sinks, this.faults, context.scheduler),
      faults: this.faults,
      throttle: this.throttle,
      // The SDK signs with the wall clock, whatever time the scheduler simulates for the gateway.
      authenticator: new RequestSignatureCheck(credentials, context.api.region, Date.now),
    };
    server.on('upgrade', (request, socket, head) => void this.handshake(request, socket, head));
    server.on('request', (request, response) => void serveManagement(context, parts, request, response));
  }

  static async start(routes: GatewayRoutes, options: GatewayOptions = {}): Promise<WebSocketGateway> {
    const server = createServer();
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: { ...AWS_LIMITS, ...options.limits }.maxFrameBytes,
      // Only the subprotocol $connect returned is echoed; API Gateway never picks one by itself.
      handleProtocols: (_protocols, request) => (request as UpgradeRequest).chosenProtocol ?? false,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only: the @connections API would otherwise take frames from anyone on the network.
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const api = {
      apiId: options.apiId ?? 'local000ws',
      stage: options.stage ?? 'local',
      domainName: `localhost:${port}`,
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '000000000000',
    };
    const context = gatewayContext(routes, options, options.scheduler ?? realScheduler, api);
    return new WebSocketGateway(context, server, wss, options.credentials ?? LOCAL_CREDENTIALS);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `ws://localhost:{port}/{stage}` */
  get url(): string {
    return `ws://localhost:${this.port}/${this.context.api.stage}`;
  }

  /** What the AWS SDK's ApiGatewayManagementApiClient takes as `endpoint`. */
  get managementEndpoint(): string {
    return `http://localhost:${this.port}/${this.context.api.stage}`;
  }

  connectionIds(): string[] {
    return this.connections.ids();
  }

  stats(): GatewayStats {
    const now = this.context.scheduler.now();
    return this.meter.stats(this.connections.all().map((connection) => now - connection.connectedAt));
  }

  /**
   * Benchmarks only: registers `count` sink connections, ids the @connections API accepts with no socket
   * behind them. Posts to them are counted (see `sinkDeliveries`), not sent anywhere.
   */
  addSinks(count: number): string[] {
    return this.sinks.add(count, this.context.scheduler.now());
  }

  /** What the sinks received so far; `sinkDeliveriesTo` gives one sink's count. */
  sinkDeliveries(): SinkDeliveries {
    return this.sinks.deliveries();
  }

  sinkDeliveriesTo(connectionId: string): number {
    return this.sinks.deliveriesTo(connectionId);
  }

  /** Zeroes the sinks' counts, keeping the sinks, for the next round of a benchmark. */
  resetSinkCounts(): void {
    this.sinks.resetCounts();
  }

  /**
   * Throttles @connections calls to `limit` for the whole emulator, the way API Gateway's account quota
   * does (429 above it); undefined lifts it. Off by default.
   */
  limitAccountRate(limit: AccountRateLimit | undefined): void {
    this.throttle.set(limit);
  }

  /** @connections calls the account limit refused since it was set. */
  get throttledCalls(): number {
    return this.throttle.throttled;
  }

  /** Cuts the TCP connection without a close frame and without `$disconnect`, like a vanished client. */
  dropAbruptly(connectionId: string): boolean {
    return this.connections.dropAbruptly(connectionId);
  }

  /** Resolves when every `$disconnect` started so far has finished. */
  settled(): Promise<void> {
    return this.connections.settled();
  }

  /** Closes every connection (1001, firing `$disconnect`), waits for the handlers, and stops listening. */
  async stop(): Promise<void> {
    const open = this.connections.all();
    const allClosed = Promise.all(
      open.map((connection) => new Promise((resolve) => connection.socket.once('close', resolve))),
    );
    for (const connection of open) this.connections.closeWith(connection, 1001, 'Going away');
    await Promise.race([allClosed, delay(this.context.scheduler, STOP_GRACE_MS)]);
    for (const connection of this.connections.all()) connection.socket.terminate();
    await this.settled();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handshake(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { scheduler } = this.context;
    const startedAt = scheduler.now();
    // A page that rebound its name to 127.0.0.1 may open WebSockets here; its Host gives it away.
    if (!hasLoopbackHost(request)) {
      socket.end(foreignHostUpgradeRefusal(request.headers.host));
      this.context.log({ kind: 'CONNECT', route: '$connect', status: 421, ms: 0, detail: 'foreign Host' });
      return;
    }
    const outcome = await negotiate(this.context, request);
    if (!outcome.accepted) {
      socket.end(refusalResponse(outcome.status));
      this.context.log({
        kind: 'CONNECT',
        route: '$connect',
        status: outcome.status,
        ms: scheduler.now() - startedAt,
        ...(outcome.connectionId === undefined ? {} : { connectionId: outcome.connectionId }),
        ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
      });
      return;
    }
    if (socket.destroyed) return;
    (request as UpgradeRequest).chosenProtocol = outcome.protocol;
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.connections.opened(ws, outcome.facts, this.dispatch.received),
    );
    this.context.log({
      kind: 'CONNECT',
      route: '$connect',
      connectionId: outcome.facts.connectionId,
      status: 101,
      ms: scheduler.now() - startedAt,
    });
  }
}
