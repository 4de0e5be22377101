// Local stack: DynamoDB Local with the table, an SQS server with the fan-out queue and the event source
// mapping that feeds the `fanout` worker, the API Gateway emulator running the real handlers of the route
// table in-process, and the web server. `make dev` runs it (with the handlers hot-reloaded from the
// sources); end-to-end tests start it too.

import { fileURLToPath } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
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
import { realScheduler } from './emulator/scheduler.js';
import { handlerEnvironment } from './handler-environment.js';
import { HandlerHotReload, type ReloadEvent } from './hot-reload/handler-hot-reload.js';
import { localHttpApi } from './http-api.js';
import {
  startQueuePoller,
  workerContext,
  type BatchOutcome,
  type QueuePoller,
  type SqsHandler,
} from './queue-poller.js';
import { startSqsLocal, type LocalQueueSettings, type SqsLocal } from './sqs-local.js';
import { startWebServer, type WebServer, type WebServerOptions } from './web-server.js';

export interface DevStackOptions {
  /** 0 picks a free port. */
  readonly wsPort?: number;
  readonly webPort?: number;
  /** Keeps DynamoDB Local's data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
  /**
   * A DynamoDB Local already running (a test run shares one between its files): the stack creates its
   * table there instead of starting a Java process, and on stop deletes that table and calls the handle's
   * `stop`, which for a borrowed instance should only let go of its client. Not with `dataDir`.
   */
  readonly dynamo?: DynamoDbLocal;
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
  /** Wraps every function of the route table once loaded (tests record what each function calls). */
  readonly wrapFunction?: (name: string, handler: LambdaHandler) => LambdaHandler;
  /**
   * Rebuilds the handlers whenever a source file they are built from changes, keeping the connections
   * and the data (`make dev`). Off by default: the functions are then imported once, in this process.
   */
  readonly hotReload?: {
    readonly onReload: (event: ReloadEvent) => void;
    /** Quiet time after the last file event before a rebuild. */
    readonly settleMs?: number;
  };
  /** The fan-out queue and its worker mapping; defaults from the route table's `queues.fanout`. */
  readonly fanOutQueue?: Partial<LocalQueueSettings> & {
    readonly batchSize?: number;
    readonly maximumConcurrency?: number;
    /** Told about each worker invocation: for tests and logs. */
    readonly onBatch?: (outcome: BatchOutcome) => void;
    /** Wraps the worker's handler: fault tests make it fail the way a dying function would. */
    readonly wrapWorker?: (handler: SqsHandler) => SqsHandler;
  };
}

export interface DevStack {
  readonly gateway: WebSocketGateway;
  readonly dynamo: DynamoDbLocal;
  /** The SQS server with the fan-out queue (`sqs.queueUrl`) and its dead-letter queue. */
  readonly sqs: SqsLocal;
  readonly web: WebServer;
  readonly keys: DevKeys;
  readonly tableName: string;
  /** `ws://localhost:{port}/local` */
  readonly wsUrl: string;
  readonly managementEndpoint: string;
  readonly anonymous: boolean;
  /** The backend HTTP API, `http://localhost:{port}/api` (no IAM locally). */
  readonly apiUrl: string;
  /**
   * A dev token for a user, as `GET /dev/token` hands out; `claims` adds others, such as the permission
   * claims (`roomcast:rooms`, `roomcast:role`).
   */
  tokenFor(userId: string, name?: string, claims?: Readonly<Record<string, unknown>>): string;
  stop(): Promise<void>;
}

/** Imports every function of the route table: the same modules `make build` bundles for Lambda. */
async function loadFunctions(handlerLogLevel: string): Promise<Record<string, LambdaHandler>> {
  const loaded: Record<string, LambdaHandler> = {};
  for (const [name, spec] of Object.entries(ROUTE_TABLE.functions)) {
    const module = (await import(`../handlers/functions/${spec.entry.replace(/\.ts$/, '.js')}`)) as {
      handler: LambdaHandler;
    };
    loaded[name] = module.handler;
  }
  // A stack started again in the same process (tests, restarts) must not keep the last one's wiring.
  // Imported here, after the environment is set, so Powertools reads this stack's settings.
  const { resetAppContainer } = await import('../handlers/composition-root.js');
  const { resetTokenVerifier } = await import('../handlers/functions/authorizer.js');
  const { logger } = await import('../handlers/runtime/powertools.js');
  resetAppContainer();
  resetTokenVerifier();
  logger.setLogLevel(handlerLogLevel as Parameters<typeof logger.setLogLevel>[0]);
  return loaded;
}

/** The repository root, where the hot reload finds `src/` and `node_modules/`. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function wrapEach(
  functions: Record<string, LambdaHandler>,
  wrap: DevStackOptions['wrapFunction'],
): Record<string, LambdaHandler> {
  if (wrap === undefined) return functions;
  return Object.fromEntries(Object.entries(functions).map(([name, handler]) => [name, wrap(name, handler)]));
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const tableName = options.tableName ?? 'roomcast-local';
  const anonymous = options.anonymous ?? false;
  const keys = createDevKeys();
  if (options.dynamo !== undefined && options.dataDir !== undefined) {
    throw new Error(
      'startDevStack: give either a running DynamoDB Local (dynamo) or a data folder (dataDir)',
    );
  }
  const borrowed = options.dynamo;
  const dynamo = borrowed ?? (await startDynamoDbLocal({ dataDir: options.dataDir }));
  // A borrowed instance outlives this stack: only the table is ours to remove.
  const letGoOfDynamo = async (): Promise<void> => {
    if (borrowed !== undefined) {
      await dynamo.client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    }
    await dynamo.stop();
  };
  const queueSpec = ROUTE_TABLE.queues['fanout'];
  let gateway: WebSocketGateway | undefined;
  let sqs: SqsLocal | undefined;
  let poller: QueuePoller | undefined;
  let hot: HandlerHotReload | undefined;
  try {
    await createTable(dynamo.client, tableName);
    sqs = await startSqsLocal({
      visibilityTimeoutSeconds: options.fanOutQueue?.visibilityTimeoutSeconds,
      maxReceiveCount: options.fanOutQueue?.maxReceiveCount ?? queueSpec?.maxReceiveCount,
    });
    // The handlers run in this process. Powertools reads its settings when the modules load, the
    // handlers read theirs on first use (as in Lambda), so the environment is set before either.
    Object.assign(
      process.env,
      handlerEnvironment({
        tableName,
        dynamoDbEndpoint: dynamo.endpoint,
        anonymous,
        jwks: keys.jwks,
        fanOutQueue: { queueUrl: sqs.queueUrl, endpoint: sqs.endpoint },
        logLevel: options.handlerLogLevel ?? 'WARN',
        interactive: true,
        extra: options.env,
      }),
    );
    if (options.hotReload !== undefined) {
      hot = await HandlerHotReload.start({
        root: ROOT,
        entries: Object.fromEntries(
          Object.entries(ROUTE_TABLE.functions).map(([name, spec]) => [name, spec.entry]),
        ),
        ...options.hotReload,
      });
    }
    const functions = wrapEach(
      hot?.functions ?? (await loadFunctions(options.handlerLogLevel ?? 'WARN')),
      options.wrapFunction,
    );
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
      scheduler: options.scheduler,
      limits: options.limits,
      log: options.log,
    });
    process.env['MANAGEMENT_ENDPOINT'] = gateway.managementEndpoint;
    if (queueSpec !== undefined) {
      const worker = queueSpec.function;
      poller = startQueuePoller({
        client: sqs.client,
        queueUrl: sqs.queueUrl,
        queueArn: sqs.queueArn,
        region: LOCAL_REGION,
        handler: (options.fanOutQueue?.wrapWorker ?? ((handler) => handler))(
          functions[worker] as unknown as SqsHandler,
        ),
        context: () => workerContext(worker, LOCAL_REGION, 60_000, options.scheduler ?? realScheduler),
        batchSize: options.fanOutQueue?.batchSize ?? queueSpec.batchSize,
        // Lambda's pollers share this machine's two cores with everything else: a few are enough.
        maximumConcurrency:
          options.fanOutQueue?.maximumConcurrency ?? Math.min(queueSpec.maximumConcurrency, 4),
        onBatch: options.fanOutQueue?.onBatch,
      });
    }
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
    const queue = sqs;
    const workers = poller;
    const reloader = hot;
    return {
      gateway: started,
      dynamo,
      sqs: queue,
      web,
      keys,
      tableName,
      wsUrl: started.url,
      managementEndpoint: started.managementEndpoint,
      anonymous,
      apiUrl: `${web.url}/api`,
      tokenFor: (userId, name, claims = {}) => keys.sign({ ...claims, sub: userId, name: name ?? userId }),
      stop: async () => {
        await started.stop();
        await workers?.stop();
        await queue.stop();
        await web.stop();
        await reloader?.stop();
        await letGoOfDynamo();
      },
    };
  } catch (error) {
    await gateway?.stop();
    await poller?.stop();
    await sqs?.stop();
    await hot?.stop();
    await letGoOfDynamo();
    throw error;
  }
}
