// Composition root: the only module that knows the concrete adapters. Reads the configuration once,
// builds the SDK clients once per container (cold start), and binds every port with inversify.

import 'reflect-metadata';
import { Container } from 'inversify';
import { InFlightLimit, ManagementApiNotifier, ManagementClientPool } from '../adapters/apigateway/index.js';
import {
  createDocumentClient,
  DynamoDbConnectionRegistry,
  DynamoDbMessageLog,
  DynamoDbRateLimiter,
  DynamoDbOccupancy,
  DynamoDbMessageReactions,
  DynamoDbReadMarkers,
  DynamoDbUserStatus,
  DynamoDbRoomMembership,
  DynamoDbBans,
} from '../adapters/dynamodb/index.js';
import { PowertoolsLogger } from '../adapters/powertools/powertools-logger.js';
import { RandomIds } from '../adapters/system/random-ids.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createChat,
  type Chat,
  type ClockPort,
  type ConnectionRegistryPort,
  type FanOutQueuePort,
  type IdGeneratorPort,
  type NotifierPort,
} from '../domain/index.js';
import { readChatConfig, type ChatConfig } from './config.js';
import { MeteredFanOut } from './runtime/metered-fan-out.js';
import { logger, metrics } from './runtime/powertools.js';
import { traceClient } from './runtime/tracing.js';
import { TOKENS } from './tokens.js';

export function createContainer(config: ChatConfig): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.config).toConstantValue(config);
  container.bind(TOKENS.clock).toConstantValue(new SystemClock());
  container.bind(TOKENS.ids).toConstantValue(new RandomIds());
  container.bind(TOKENS.logger).toConstantValue(new PowertoolsLogger(logger));

  container.bind(TOKENS.documentClient).toDynamicValue((context) => {
    const client = createDocumentClient(
      { region: config.region, endpoint: config.dynamoDbEndpoint },
      context.get(TOKENS.logger),
    );
    return traceClient(client);
  });
  container.bind(TOKENS.clientPool).toDynamicValue(
    (context) =>
      new ManagementClientPool({
        region: config.region,
        // One socket per delivery in flight, plus one for the caller's reply.
        maxSockets: config.policy.fanOutConcurrency + 1,
        warnings: context.get(TOKENS.logger),
      }),
  );

  const onTable = [TOKENS.documentClient, TOKENS.clock] as const;
  const table = (client: DynamoDBDocumentClient, clock: ClockPort) => ({
    client,
    clock,
    tableName: config.tableName,
  });
  container
    .bind(TOKENS.connections)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) =>
        new DynamoDbConnectionRegistry(table(client, clock)),
      [...onTable],
    );
  container.bind(TOKENS.memberships).toResolvedValue(
    (client: DynamoDBDocumentClient, clock: ClockPort) =>
      new DynamoDbRoomMembership({
        ...table(client, clock),
        membersPerBucket: config.policy.membersPerBucket,
        shapeCacheMs: config.policy.roomShapeCacheMs,
      }),
    [...onTable],
  );
  container
    .bind(TOKENS.messages)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) => new DynamoDbMessageLog(table(client, clock)),
      [...onTable],
    );

  container
    .bind(TOKENS.rateLimiter)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) => new DynamoDbRateLimiter(table(client, clock)),
      [...onTable],
    );

  container
    .bind(TOKENS.userStatus)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) => new DynamoDbUserStatus(table(client, clock)),
      [...onTable],
    );

  container
    .bind(TOKENS.readMarkers)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) => new DynamoDbReadMarkers(table(client, clock)),
      [...onTable],
    );

  container
    .bind(TOKENS.occupancy)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) => new DynamoDbOccupancy(table(client, clock)),
      [...onTable],
    );

  container
    .bind(TOKENS.reactions)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) =>
        new DynamoDbMessageReactions(table(client, clock)),
      [...onTable],
    );

  container
    .bind(TOKENS.bans)
    .toResolvedValue(
      (client: DynamoDBDocumentClient, clock: ClockPort) => new DynamoDbBans(table(client, clock)),
      [...onTable],
    );

  container.bind(TOKENS.fanOutQueue).toDynamicValue(() => {
    const queueUrl = config.fanOutQueueUrl;
    if (queueUrl === undefined) return undefined;
    // Only rooms past the inline threshold and reaction summaries enqueue: the SQS client is loaded on the
    // first of them, so the cold start of every function that could fan out does not pay for it.
    let loaded: Promise<FanOutQueuePort> | undefined;
    const load = (): Promise<FanOutQueuePort> =>
      (loaded ??= import('../adapters/sqs/index.js').then(
        ({ createSqsClient, SqsFanOutQueue }) => {
          const client = createSqsClient({ region: config.region, endpoint: config.sqsEndpoint });
          return new SqsFanOutQueue({ client: traceClient(client), queueUrl });
        },
        (error: unknown) => {
          // A failed load is tried again by the next fan-out, not remembered.
          loaded = undefined;
          throw error;
        },
      ));
    return {
      async enqueue(jobs) {
        await (await load()).enqueue(jobs);
      },
      async enqueueLater(job, delaySeconds) {
        await (await load()).enqueueLater(job, delaySeconds);
      },
    } satisfies FanOutQueuePort;
  });

  container.bind(TOKENS.notifierFor).toResolvedValue(
    (pool: ManagementClientPool) => {
      const notifiers = new Map<string, NotifierPort>();
      return (endpoint: string) => {
        let notifier = notifiers.get(endpoint);
        if (notifier === undefined) {
          notifier = new ManagementApiNotifier({
            client: traceClient(pool.clientFor(endpoint)),
            // As many calls in flight as the client has sockets; in Lambda (one invocation per
            // container) a fan-out never reaches it, in the local stack concurrent invocations share it.
            limit: new InFlightLimit(config.policy.fanOutConcurrency + 1),
          });
          notifiers.set(endpoint, notifier);
        }
        return notifier;
      };
    },
    [TOKENS.clientPool],
  );

  container.bind(TOKENS.chatFor).toDynamicValue((context) => {
    const chats = new Map<string, Chat>();
    const ports = {
      connections: context.get(TOKENS.connections),
      memberships: context.get(TOKENS.memberships),
      messages: context.get(TOKENS.messages),
      clock: context.get(TOKENS.clock),
      ids: context.get(TOKENS.ids),
      logger: context.get(TOKENS.logger),
      rateLimiter: context.get(TOKENS.rateLimiter),
      userStatus: context.get(TOKENS.userStatus),
      readMarkers: context.get(TOKENS.readMarkers),
      occupancy: context.get(TOKENS.occupancy),
      reactions: context.get(TOKENS.reactions),
      bans: context.get(TOKENS.bans),
    };
    const fanOutQueue = context.get(TOKENS.fanOutQueue);
    const notifierFor = context.get(TOKENS.notifierFor);
    return (endpoint: string) => {
      let chat = chats.get(endpoint);
      if (chat === undefined) {
        chat = createChat({ ...ports, fanOutQueue, notifier: notifierFor(endpoint) }, config.policy, {
          decorateFanOut: (inner) => new MeteredFanOut(inner, metrics),
        });
        chats.set(endpoint, chat);
      }
      return chat;
    };
  });
  return container;
}

/**
 * What the handlers' middleware takes from the container, typed: handlers themselves never see the
 * container (runtime/chat-scope.ts puts what they need on the request).
 */
export interface AppServices {
  readonly config: ChatConfig;
  readonly connections: ConnectionRegistryPort;
  readonly ids: IdGeneratorPort;
  /** The use cases, replying through the @connections API at this endpoint. */
  chatFor(endpoint: string): Chat;
  /** Posts to connections through the @connections API at this endpoint (error frames). */
  notifierFor(endpoint: string): NotifierPort;
}

export function servicesOf(container: Container): AppServices {
  return {
    config: container.get(TOKENS.config),
    connections: container.get(TOKENS.connections),
    ids: container.get(TOKENS.ids),
    chatFor: container.get(TOKENS.chatFor),
    notifierFor: container.get(TOKENS.notifierFor),
  };
}

let shared: { container: Container; services: AppServices } | undefined;

/** The process's container, built on first use from the environment (a warm Lambda reuses it). */
export function appContainer(): Container {
  return appWiring().container;
}

/** The process's services, from the process's container. */
export function appServices(): AppServices {
  return appWiring().services;
}

function appWiring(): { container: Container; services: AppServices } {
  if (shared === undefined) {
    const container = createContainer(readChatConfig());
    shared = { container, services: servicesOf(container) };
  }
  return shared;
}

/** Forgets the process's container, so the next invocation reads the environment again (local stack restarts). */
export function resetAppContainer(): void {
  shared = undefined;
}
