// Local emulator of an API Gateway WebSocket API stage: the data plane (handshake with authorizer and
// $connect, route selection, MESSAGE and DISCONNECT events, limits and timeouts) and the @connections
// management API on the same port, invoking Lambda handlers in-process with real-shaped events.

import type { Context } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  handleManagementRequest,
  matchConnectionsPath,
  type ConnectionDirectory,
  type ConnectionInfo,
} from '../management-api.js';
import { awsShapedId } from './ids.js';
import {
  authorizerEvent,
  connectEvent,
  disconnectEvent,
  lambdaContext,
  messageEvent,
  type ApiFacts,
  type ConnectionFacts,
} from './lambda-events.js';
import { selectRouteKey } from './route-selection.js';
import { realScheduler, type Scheduler } from './scheduler.js';

export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

export interface RouteBinding {
  /** Function name, for logs and the Lambda context. */
  readonly name: string;
  readonly handler: LambdaHandler;
}

export interface GatewayRoutes {
  readonly routeSelectionExpression: string;
  /** Route key -> function. `$connect`, `$disconnect` and `$default` are optional, as in AWS. */
  readonly routes: Readonly<Record<string, RouteBinding>>;
  readonly authorizer?: RouteBinding & {
    /** e.g. `route.request.querystring.token`, `route.request.header.Authorization`. */
    readonly identitySources: readonly string[];
  };
  /** Route keys with a `$default` route response: their integration's `body` is sent back. */
  readonly twoWayRoutes?: readonly string[];
}

export interface GatewayLimits {
  readonly idleTimeoutMs: number;
  readonly maxConnectionMs: number;
  /** API Gateway's frame quota. Browsers send each message as one frame, so this bounds messages too. */
  readonly maxFrameBytes: number;
  readonly integrationTimeoutMs: number;
  /** Function timeout reported by the Lambda context. */
  readonly functionTimeoutMs: number;
}

export const AWS_LIMITS: GatewayLimits = {
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 3_600_000,
  maxFrameBytes: 32 * 1024,
  integrationTimeoutMs: 29_000,
  functionTimeoutMs: 30_000,
};

export interface GatewayOptions {
  readonly port?: number;
  readonly host?: string;
  readonly stage?: string;
  readonly apiId?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly limits?: Partial<GatewayLimits>;
  readonly scheduler?: Scheduler;
  /** One line per request (handshake, message, disconnect, management call). */
  readonly log?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  readonly kind: 'CONNECT' | 'MESSAGE' | 'DISCONNECT' | 'MANAGEMENT' | 'HTTP';
  readonly route: string;
  readonly connectionId?: string;
  readonly status: number | string;
  readonly ms: number;
  readonly detail?: string;
}

/** Test and benchmark faults, applied to @connections calls and sockets. */
export class Faults {
  readonly goneFor = new Set<string>();
  /** Connection id -> how many more posts to answer with 429. */
  readonly throttleFor = new Map<string, number>();
  /** Added to every management call before it is served. */
  latencyMs = 0;

  clear(): void {
    this.goneFor.clear();
    this.throttleFor.clear();
    this.latencyMs = 0;
  }
}

interface Live extends ConnectionFacts {
  readonly socket: WebSocket;
  lastActiveAt: number;
  open: boolean;
  /** Set when the gateway closes the socket, so $disconnect reports its code and reason. */
  closing?: { code: number; reason: string; skipDisconnect?: boolean };
  cancelIdle: () => void;
  cancelAge: () => void;
}

export interface GatewayStats {
  readonly connections: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** API Gateway meters messages in 32 KB increments: a 33 KB message bills as two. */
  readonly billableMessages: number;
  readonly connectionMinutes: number;
}

const BILLING_UNIT = 32 * 1024;
const CLOSE_REASONS: Readonly<Record<number, string>> = { 1005: 'Client-side close frame status not set' };

function errorFrame(message: string, connectionId: string, requestId: string): string {
  // Byte for byte what API Gateway sends, odd spacing included.
  return `{"message": "${message}", "connectionId":"${connectionId}", "requestId":"${requestId}"}`;
}

function headerValue(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
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

/** Context values reach integrations as strings, as API Gateway passes them on. */
function stringified(context: unknown): Record<string, string> {
  if (context === null || typeof context !== 'object') return {};
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]));
}

function allows(result: unknown, methodArn: string): boolean {
  const statements = (result as { policyDocument?: { Statement?: unknown } } | null)?.policyDocument
    ?.Statement;
  if (!Array.isArray(statements)) return false;
  const matches = (resource: unknown) => {
    const list = Array.isArray(resource) ? resource : [resource];
    return list.some((r) => {
      if (typeof r !== 'string') return false;
      const pattern = new RegExp(
        `^${r
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      return pattern.test(methodArn);
    });
  };
  const relevant = statements.filter((s: { Resource?: unknown }) => matches(s.Resource));
  return (
    relevant.some((s: { Effect?: unknown }) => s.Effect === 'Allow') &&
    !relevant.some((s: { Effect?: unknown }) => s.Effect === 'Deny')
  );
}

export class WebSocketGateway {
  readonly faults = new Faults();
  private readonly live = new Map<string, Live>();
  private readonly pendingDisconnects = new Set<Promise<void>>();
  private readonly limits: GatewayLimits;
  private readonly scheduler: Scheduler;
  private readonly stage: string;
  private api!: ApiFacts;
  private counters = { messagesIn: 0, messagesOut: 0, billable: 0, closedConnectionMs: 0 };

  private constructor(
    private readonly routes: GatewayRoutes,
    private readonly options: GatewayOptions,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {
    this.limits = { ...AWS_LIMITS, ...options.limits };
    this.scheduler = options.scheduler ?? realScheduler;
    this.stage = options.stage ?? 'local';
  }

  static async start(routes: GatewayRoutes, options: GatewayOptions = {}): Promise<WebSocketGateway> {
    const limits = { ...AWS_LIMITS, ...options.limits };
    const server = createServer();
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.maxFrameBytes,
      // Only the subprotocol $connect returned is echoed; API Gateway never picks one by itself.
      handleProtocols: (_protocols, request) =>
        (request as IncomingMessage & { chosenProtocol?: string }).chosenProtocol ?? false,
    });
    const gateway = new WebSocketGateway(routes, options, server, wss);
    server.on('upgrade', (request, socket, head) => void gateway.handshake(request, socket, head));
    server.on('request', (request, response) => void gateway.serveHttp(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    gateway.api = {
      apiId: options.apiId ?? 'local000ws',
      stage: gateway.stage,
      domainName: `localhost:${port}`,
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '000000000000',
    };
    return gateway;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `ws://localhost:{port}/{stage}` */
  get url(): string {
    return `ws://localhost:${this.port}/${this.stage}`;
  }

  /** What the AWS SDK's ApiGatewayManagementApiClient takes as `endpoint`. */
  get managementEndpoint(): string {
    return `http://localhost:${this.port}/${this.stage}`;
  }

  connectionIds(): string[] {
    return [...this.live.keys()];
  }

  stats(): GatewayStats {
    const now = this.scheduler.now();
    const openMs = [...this.live.values()].reduce((sum, c) => sum + (now - c.connectedAt), 0);
    return {
      connections: this.live.size,
      messagesIn: this.counters.messagesIn,
      messagesOut: this.counters.messagesOut,
      billableMessages: this.counters.billable,
      connectionMinutes: Math.ceil((this.counters.closedConnectionMs + openMs) / 60_000),
    };
  }

  /** Cuts the TCP connection without a close frame and without `$disconnect`, like a vanished client. */
  dropAbruptly(connectionId: string): boolean {
    const connection = this.live.get(connectionId);
    if (connection === undefined) return false;
    connection.closing = { code: 1006, reason: '', skipDisconnect: true };
    connection.socket.terminate();
    return true;
  }

  /** Closes every connection (1001, firing `$disconnect`), waits for the handlers, and stops listening. */
  async stop(): Promise<void> {
    const open = [...this.live.values()];
    const allClosed = Promise.all(
      open.map((connection) => new Promise((resolve) => connection.socket.once('close', resolve))),
    );
    for (const connection of open) this.closeWith(connection, 1001, 'Going away');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allClosed, new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]);
    clearTimeout(timer);
    for (const connection of this.live.values()) connection.socket.terminate();
    await this.settled();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- handshake -----------------------------------------------------------------------------------

  private async handshake(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '' && path !== `/${this.stage}`) return this.refuse(socket, 403, startedAt);

    const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const userAgent = headerValue(request.headers, 'user-agent');
    const facts: { -readonly [K in keyof ConnectionFacts]: ConnectionFacts[K] } = {
      connectionId: awsShapedId(),
      connectedAt: this.scheduler.now(),
      sourceIp,
      ...(userAgent === undefined ? {} : { userAgent }),
    };
    const headers = forwardedHeaders(request, sourceIp);

    const authorizer = this.routes.authorizer;
    if (authorizer !== undefined) {
      if (!this.identitySourcesPresent(authorizer.identitySources, request, url.searchParams)) {
        return this.refuse(socket, 401, startedAt, facts.connectionId, 'identity source missing');
      }
      const event = authorizerEvent(this.api, facts, headers, url.searchParams, Date.now());
      const invokedAt = Date.now();
      let result: unknown;
      try {
        result = await this.invoke(authorizer, event);
      } catch (error) {
        const unauthorized = (error as Error)?.message === 'Unauthorized';
        return this.refuse(socket, unauthorized ? 401 : 500, startedAt, facts.connectionId, 'authorizer');
      }
      if (!allows(result, event['methodArn'] as string))
        return this.refuse(socket, 403, startedAt, facts.connectionId, 'authorizer');
      const principalId = (result as { principalId?: unknown }).principalId;
      facts.authorizer = {
        ...stringified((result as { context?: unknown }).context),
        principalId: String(principalId ?? ''),
        integrationLatency: Date.now() - invokedAt,
      };
    }

    let protocol: string | undefined;
    const connect = this.routes.routes['$connect'];
    if (connect !== undefined) {
      let result: unknown;
      try {
        result = await this.invoke(
          connect,
          connectEvent(this.api, facts, headers, url.searchParams, Date.now()),
        );
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return this.refuse(socket, 502, startedAt, facts.connectionId, `connect handler threw (${reason})`);
      }
      const status = (result as { statusCode?: unknown } | null)?.statusCode;
      if (typeof status !== 'number')
        return this.refuse(socket, 502, startedAt, facts.connectionId, 'no statusCode');
      if (status < 200 || status > 299) return this.refuse(socket, status, startedAt, facts.connectionId);
      const responseHeaders = (result as { headers?: Record<string, string> }).headers ?? {};
      protocol = Object.entries(responseHeaders).find(
        ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
      )?.[1];
    }
    if (socket.destroyed) return;

    (request as IncomingMessage & { chosenProtocol?: string }).chosenProtocol = protocol;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.opened(ws, facts));
    this.log({
      kind: 'CONNECT',
      route: '$connect',
      connectionId: facts.connectionId,
      status: 101,
      ms: Date.now() - startedAt,
    });
  }

  private identitySourcesPresent(
    sources: readonly string[],
    request: IncomingMessage,
    query: URLSearchParams,
  ): boolean {
    return sources.every((source) => {
      const header = /^route\.request\.header\.(.+)$/.exec(source);
      if (header) return (headerValue(request.headers, header[1] as string) ?? '').trim() !== '';
      const param = /^route\.request\.querystring\.(.+)$/.exec(source);
      if (param) return (query.get(param[1] as string) ?? '').trim() !== '';
      return true;
    });
  }

  private refuse(
    socket: Duplex,
    status: number,
    startedAt: number,
    connectionId?: string,
    detail?: string,
  ): void {
    const text =
      { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error', 502: 'Bad Gateway' }[status] ??
      'Error';
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"${text}"}`,
    );
    this.log({
      kind: 'CONNECT',
      route: '$connect',
      status,
      ms: Date.now() - startedAt,
      ...(connectionId ? { connectionId } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  private opened(socket: WebSocket, facts: ConnectionFacts): void {
    const connection: Live = {
      ...facts,
      socket,
      lastActiveAt: this.scheduler.now(),
      open: true,
      cancelIdle: () => undefined,
      cancelAge: this.scheduler.schedule(this.limits.maxConnectionMs, () =>
        this.closeWith(connection, 1001, 'Going away'),
      ),
    };
    this.live.set(facts.connectionId, connection);
    this.touch(connection);
    socket.on('message', (data, isBinary) => this.received(connection, data, isBinary));
    socket.on('close', (code, reason) => this.closed(connection, code, reason.toString('utf8')));
    socket.on('error', () => undefined);
  }

  // --- messages ------------------------------------------------------------------------------------

  /** Any data frame, in either direction, resets the idle timer. */
  private touch(connection: Live): void {
    connection.lastActiveAt = this.scheduler.now();
    connection.cancelIdle();
    connection.cancelIdle = this.scheduler.schedule(this.limits.idleTimeoutMs, () =>
      this.closeWith(connection, 1001, 'Going away'),
    );
  }

  private received(connection: Live, data: RawData, isBinary: boolean): void {
    if (!connection.open) return;
    if (isBinary) {
      this.closeWith(connection, 1003, 'Binary frames are not supported');
      return;
    }
    const frame = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    this.meter(frame.length, 'in');
    this.touch(connection);
    const text = frame.toString('utf8');
    const selected = selectRouteKey(this.routes.routeSelectionExpression, text);
    // $connect and $disconnect are never selected by the expression.
    const routeKey =
      selected !== undefined &&
      selected !== '$connect' &&
      selected !== '$disconnect' &&
      this.routes.routes[selected] !== undefined
        ? selected
        : this.routes.routes['$default'] !== undefined
          ? '$default'
          : undefined;
    const requestId = awsShapedId();
    if (routeKey === undefined) {
      this.sendFrame(connection, errorFrame('Forbidden', connection.connectionId, requestId));
      this.log({
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
  }

  private async dispatch(connection: Live, routeKey: string, body: string, requestId: string): Promise<void> {
    const binding = this.routes.routes[routeKey] as RouteBinding;
    const startedAt = Date.now();
    const event = messageEvent(this.api, connection, routeKey, body, Date.now());
    let status: number | string;
    try {
      const result = await this.withTimeout(this.invoke(binding, event));
      status = (result as { statusCode?: unknown } | null)?.statusCode as number;
      const reply = (result as { body?: unknown } | null)?.body;
      if (this.routes.twoWayRoutes?.includes(routeKey) && typeof reply === 'string' && reply !== '') {
        this.sendFrame(connection, reply);
      }
    } catch (error) {
      const timedOut = error === TIMED_OUT;
      status = timedOut ? 'timeout' : 'error';
      this.sendFrame(
        connection,
        errorFrame(
          timedOut ? 'Endpoint request timed out' : 'Internal server error',
          connection.connectionId,
          requestId,
        ),
      );
    }
    this.log({
      kind: 'MESSAGE',
      route: routeKey,
      connectionId: connection.connectionId,
      status: status ?? '-',
      ms: Date.now() - startedAt,
    });
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(TIMED_OUT), this.limits.integrationTimeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private async invoke(binding: RouteBinding, event: Record<string, unknown>): Promise<unknown> {
    return binding.handler(
      event as never,
      lambdaContext(binding.name, this.api, this.limits.functionTimeoutMs, Date.now()),
    );
  }

  private sendFrame(connection: Live, text: string): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    this.meter(Buffer.byteLength(text), 'out');
    connection.socket.send(text);
  }

  private meter(bytes: number, direction: 'in' | 'out'): void {
    if (direction === 'in') this.counters.messagesIn += 1;
    else this.counters.messagesOut += 1;
    this.counters.billable += Math.max(1, Math.ceil(bytes / BILLING_UNIT));
  }

  // --- closing -------------------------------------------------------------------------------------

  private closeWith(connection: Live, code: number, reason: string): void {
    if (!connection.open || connection.closing !== undefined) return;
    connection.closing = { code, reason };
    connection.socket.close(code, reason);
    // A client that never answers the close handshake is cut after a grace period.
    const grace = setTimeout(() => connection.socket.terminate(), 2_000);
    grace.unref();
  }

  private closed(connection: Live, clientCode: number, clientReason: string): void {
    if (!connection.open) return;
    connection.open = false;
    connection.cancelIdle();
    connection.cancelAge();
    this.live.delete(connection.connectionId);
    this.counters.closedConnectionMs += this.scheduler.now() - connection.connectedAt;
    const code = connection.closing?.code ?? clientCode;
    const reason = connection.closing?.reason ?? CLOSE_REASONS[clientCode] ?? clientReason;
    if (connection.closing?.skipDisconnect === true) return;
    const disconnect = this.routes.routes['$disconnect'];
    if (disconnect === undefined) return;
    // Best effort and after the close, as in AWS: the connection can no longer be posted to.
    const startedAt = Date.now();
    const run = this.invoke(disconnect, disconnectEvent(this.api, connection, code, reason, Date.now()))
      .then(
        (result) => (result as { statusCode?: number } | null)?.statusCode ?? '-',
        () => 'error',
      )
      .then((status) => {
        this.log({
          kind: 'DISCONNECT',
          route: '$disconnect',
          connectionId: connection.connectionId,
          status,
          ms: Date.now() - startedAt,
          detail: `${code}`,
        });
      });
    this.pendingDisconnects.add(run);
    void run.finally(() => this.pendingDisconnects.delete(run));
  }

  /** Resolves when every `$disconnect` started so far has finished. */
  async settled(): Promise<void> {
    while (this.pendingDisconnects.size > 0) await Promise.allSettled([...this.pendingDisconnects]);
  }

  // --- management API ------------------------------------------------------------------------------

  private readonly directory: ConnectionDirectory = {
    send: (connectionId, data) => {
      const connection = this.live.get(connectionId);
      if (connection === undefined || !connection.open || connection.closing !== undefined) return 'gone';
      if (this.faults.goneFor.has(connectionId)) return 'gone';
      const throttled = this.faults.throttleFor.get(connectionId) ?? 0;
      if (throttled > 0) {
        this.faults.throttleFor.set(connectionId, throttled - 1);
        return 'throttled';
      }
      this.sendFrame(connection, data.toString('utf8'));
      this.touch(connection);
      return 'sent';
    },
    close: (connectionId) => {
      const connection = this.live.get(connectionId);
      // A connection already closing is gone for the management API, as it is for posts.
      if (connection === undefined || !connection.open || connection.closing !== undefined) return false;
      this.closeWith(connection, 1000, 'Connection Closed Normally');
      return true;
    },
    info: (connectionId): ConnectionInfo | undefined => {
      const connection = this.live.get(connectionId);
      if (connection === undefined || !connection.open) return undefined;
      return {
        connectedAt: connection.connectedAt,
        lastActiveAt: connection.lastActiveAt,
        sourceIp: connection.sourceIp,
        ...(connection.userAgent === undefined ? {} : { userAgent: connection.userAgent }),
      };
    },
  };

  private async serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const connectionId = matchConnectionsPath(url.pathname, this.stage);
    if (connectionId !== undefined && this.faults.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.faults.latencyMs));
    }
    response.on('finish', () => {
      if (connectionId === undefined) return;
      this.log({
        kind: 'MANAGEMENT',
        route: `${request.method} @connections`,
        connectionId,
        status: response.statusCode,
        ms: Date.now() - startedAt,
      });
    });
    if (!handleManagementRequest(request, response, { directory: this.directory, stage: this.stage })) {
      request.resume();
      response.writeHead(403, {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'ForbiddenException',
      });
      response.end('{"message":"Forbidden"}');
    }
  }

  private log(entry: RequestLogEntry): void {
    this.options.log?.(entry);
  }
}

const TIMED_OUT = Symbol('integration timed out');
