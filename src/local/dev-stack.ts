// Local stack: DynamoDB Local with the table, the API Gateway emulator running the real handlers of
// the route table in-process, and the web server. `make dev` runs it; end-to-end tests start it too.

import { createTable } from '../adapters/dynamodb/table-schema.js';
import { ROUTE_TABLE } from '../handlers/route-table.js';
import { createDevKeys, type DevKeys } from './dev-keys.js';
import { LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import type { Scheduler } from './emulator/scheduler.js';
import {
  WebSocketGateway,
  type GatewayLimits,
  type GatewayRoutes,
  type LambdaHandler,
  type RequestLogEntry,
  type RouteBinding,
} from './emulator/websocket-gateway.js';
import { handlerEnvironment } from './handler-environment.js';
import { localHttpApi } from './http-api.js';
import { startWebServer, type WebServer, type WebServerOptions } from './web-server.js';

export interface DevStackOptions {
  /** 0 picks a free port. */
  readonly wsPort?: number;
  readonly webPort?: number;
  /** Keeps DynamoDB Local's data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
  readonly anonymous?: boolean;
  readonly tableName?: string;
  readonly scheduler?: Scheduler;
  readonly limits?: Partial<GatewayLimits>;
  /** Powertools log level of the handlers (their JSON logs); the emulator's own lines go to `log`. */
  readonly handlerLogLevel?: string;
  readonly log?: (entry: RequestLogEntry) => void;
  /** Variables for the handlers beyond the stack's own (chat settings such as LOBBY_ROOM). */
  readonly env?: Readonly<Record<string, string>>;
  readonly extraRoutes?: WebServerOptions['extraRoutes'];
}

export interface DevStack {
  readonly gateway: WebSocketGateway;
  readonly dynamo: DynamoDbLocal;
  readonly web: WebServer;
  readonly keys: DevKeys;
  readonly tableName: string;
  /** `ws://localhost:{port}/local` */
  readonly wsUrl: string;
  readonly managementEndpoint: string;
  readonly anonymous: boolean;
  /** The backend HTTP API, `http://localhost:{port}/api` (no IAM locally). */
  readonly apiUrl: string;
  /** A dev token for a user, as `GET /dev/token` hands out. */
  tokenFor(userId: string, name?: string): string;
  stop(): Promise<void>;
}

/** Imports every function of the route table: the same modules `make build` bundles for Lambda. */
async function loadFunctions(): Promise<Record<string, LambdaHandler>> {
  const loaded: Record<string, LambdaHandler> = {};
  for (const [name, spec] of Object.entries(ROUTE_TABLE.functions)) {
    const module = (await import(`../handlers/functions/${spec.entry.replace(/\.ts$/, '.js')}`)) as {
      handler: LambdaHandler;
    };
    loaded[name] = module.handler;
  }
  return loaded;
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const tableName = options.tableName ?? 'roomcast-local';
  const anonymous = options.anonymous ?? false;
  const keys = createDevKeys();
  const dynamo = await startDynamoDbLocal(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  let gateway: WebSocketGateway | undefined;
  try {
    await createTable(dynamo.client, tableName);
    // The handlers run in this process. Powertools reads its settings when the modules load, the
    // handlers read theirs on first use (as in Lambda), so the environment is set before either.
    Object.assign(
      process.env,
      handlerEnvironment({
        tableName,
        dynamoDbEndpoint: dynamo.endpoint,
        anonymous,
        jwks: keys.jwks,
        logLevel: options.handlerLogLevel ?? 'WARN',
        interactive: true,
        ...(options.env === undefined ? {} : { extra: options.env }),
      }),
    );
    const functions = await loadFunctions();
    // A stack started again in the same process (tests, restarts) must not keep the last one's wiring.
    // Imported here, after the environment is set, so Powertools reads this stack's settings.
    const { resetAppContainer } = await import('../handlers/composition-root.js');
    const { resetTokenVerifier } = await import('../handlers/functions/authorizer.js');
    const { logger } = await import('../handlers/runtime/powertools.js');
    resetAppContainer();
    resetTokenVerifier();
    logger.setLogLevel((options.handlerLogLevel ?? 'WARN') as Parameters<typeof logger.setLogLevel>[0]);
    const binding = (name: string): RouteBinding => ({ name, handler: functions[name] as LambdaHandler });
    const routes: GatewayRoutes = {
      routeSelectionExpression: ROUTE_TABLE.routeSelectionExpression,
      routes: Object.fromEntries(
        Object.entries(ROUTE_TABLE.routes).map(([key, name]) => [key, binding(name)]),
      ),
      ...(anonymous
        ? {}
        : {
            authorizer: {
              ...binding(ROUTE_TABLE.authorizer.function),
              identitySources: ROUTE_TABLE.authorizer.identitySources,
            },
          }),
    };
    gateway = await WebSocketGateway.start(routes, {
      port: options.wsPort ?? 3001,
      stage: 'local',
      region: LOCAL_REGION,
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    process.env['MANAGEMENT_ENDPOINT'] = gateway.managementEndpoint;
    const api = localHttpApi({
      routes: ROUTE_TABLE.httpRoutes,
      functions,
      prefix: '/api',
      ...(options.log === undefined
        ? {}
        : {
            log: (line) =>
              options.log?.({ kind: 'HTTP', route: line.route, status: line.status, ms: line.ms }),
          }),
    });
    const extra = options.extraRoutes;
    const web = await startWebServer({
      port: options.webPort ?? 3000,
      keys,
      wsUrl: gateway.url,
      anonymous,
      extraRoutes: async (request, response) =>
        (await api(request, response)) || (extra !== undefined && (await extra(request, response))),
    });
    const started = gateway;
    return {
      gateway: started,
      dynamo,
      web,
      keys,
      tableName,
      wsUrl: started.url,
      managementEndpoint: started.managementEndpoint,
      anonymous,
      apiUrl: `${web.url}/api`,
      tokenFor: (userId, name) => keys.sign({ sub: userId, name: name ?? userId }),
      stop: async () => {
        await started.stop();
        await web.stop();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await gateway?.stop();
    await dynamo.stop();
    throw error;
  }
}
