// Bench support for the sharded fan-out benchmark: the pieces a room's message goes through, real ones
// wired by hand. DynamoDB Local with the table (members stored by the real membership adapter, its
// document client metered per partition key), the local SQS server with the fan-out queue, the emulator
// in a helper process with sink connections, a latency fault and the account limit, chats built by
// `createChat` on the real adapters, and worker pollers (`startQueuePoller`) that run `chat.deliverShard`
// in W "containers", each with its own @connections client, as W concurrent Lambda invocations would.

import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import {
  createDocumentClient,
  createTable,
  DynamoDbConnectionRegistry,
  DynamoDbMessageLog,
  DynamoDbRoomMembership,
} from '../../src/adapters/dynamodb/index.js';
import { SqsFanOutQueue } from '../../src/adapters/sqs/index.js';
import { RandomIds } from '../../src/adapters/system/random-ids.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import {
  createChat,
  parseFanOutJob,
  type Chat,
  type ChatPolicy,
  type ChatPorts,
  type ConnectionId,
  type DeliveryOutcome,
  type FanOutPort,
  type LoggerPort,
  type NotifierPort,
  type RoomName,
  type ServerEvent,
} from '../../src/domain/index.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../src/local/dynamodb-local.js';
import { realScheduler } from '../../src/local/emulator/scheduler.js';
import { startQueuePoller, workerContext, type QueuePoller } from '../../src/local/queue-poller.js';
import { startSqsLocal, type SqsLocal } from '../../src/local/sqs-local.js';
import { PartitionMeter } from './partition-meter.js';
import { ServerHost } from './server-host-client.js';

const TABLE = 'roomcast-bench-sharded';

const silent: LoggerPort = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A notifier that records how long each call took and, past a deadline, stops calling (a timed-out Lambda). */
export class TimedNotifier implements NotifierPort {
  durations: number[] = [];
  deadline: number | undefined;

  constructor(private readonly inner: NotifierPort) {}

  async deliver(connectionId: ConnectionId, event: ServerEvent): Promise<DeliveryOutcome> {
    const startedAt = performance.now();
    // Counted as failed by the pool: what a function past its timeout would never have delivered.
    if (this.deadline !== undefined && Date.now() >= this.deadline)
      throw new Error('past the function timeout');
    const outcome = await this.inner.deliver(connectionId, event);
    this.durations.push(performance.now() - startedAt);
    return outcome;
  }

  close(connectionId: ConnectionId) {
    return this.inner.close(connectionId);
  }
}

/** One "container": its own client pool and notifier, as each concurrent Lambda invocation has. */
interface Container {
  readonly notifier: TimedNotifier;
  readonly pool: ManagementClientPool;
}

export interface Workers {
  /** Deliveries made by each invocation so far (one entry per invocation). */
  readonly invocations: readonly number[];
  readonly failedJobs: number;
  /** Resolves once no invocation is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface Invocation {
  readonly deliveries: number;
}

export class FanOutRig {
  /** Counts while members join; `sendMeter` while a send is measured. Both start paused. */
  readonly joinMeter = new PartitionMeter();
  readonly sendMeter = new PartitionMeter();
  private readonly containers: Container[] = [];
  private readonly workerChats: Chat[] = [];
  private readonly documentClient;

  private constructor(
    readonly host: ServerHost,
    readonly dynamo: DynamoDbLocal,
    readonly sqs: SqsLocal,
    readonly policy: ChatPolicy,
  ) {
    this.documentClient = createDocumentClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      // Joins run many at once: the SDK's default 50 sockets would queue them in the client.
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) }),
    });
    for (const meter of [this.joinMeter, this.sendMeter]) {
      meter.recording = false;
      meter.attach(this.documentClient);
    }
  }

  static async start(policy: ChatPolicy): Promise<FanOutRig> {
    const dynamo = await startDynamoDbLocal();
    let sqs: SqsLocal | undefined;
    let host: ServerHost | undefined;
    try {
      await createTable(dynamo.client, TABLE);
      sqs = await startSqsLocal({ queueName: 'roomcast-bench-fanout' });
      host = await ServerHost.start('emulator');
      return new FanOutRig(host, dynamo, sqs, policy);
    } catch (error) {
      await host?.stop();
      await sqs?.stop();
      await dynamo.stop();
      throw error;
    }
  }

  /** The membership adapter as the handlers build it, on the metered client. */
  memberships(): DynamoDbRoomMembership {
    return new DynamoDbRoomMembership({
      ...this.adapterConfig(),
      membersPerBucket: this.policy.membersPerBucket,
      shapeCacheMs: this.policy.roomShapeCacheMs,
    });
  }

  /** A container with its own @connections client, sized like the handlers' pool. */
  container(): Container {
    const pool = new ManagementClientPool({
      region: LOCAL_REGION,
      maxSockets: this.policy.fanOutConcurrency + 1,
      credentials: LOCAL_CREDENTIALS,
    });
    const container = {
      pool,
      notifier: new TimedNotifier(
        new ManagementApiNotifier({ client: pool.clientFor(this.host.managementEndpoint) }),
      ),
    };
    this.containers.push(container);
    return container;
  }

  /**
   * A chat as the composition root builds one: with the queue, rooms over `policy.fanOutInlineMax` are
   * handed to workers; without, everything is inline (PagedFanOut). `onAcked` is told when the sender's
   * ack has gone out.
   */
  chat(options: { queue: boolean; notifier: NotifierPort; policy?: ChatPolicy; onAcked?: () => void }): Chat {
    const ports: ChatPorts = {
      connections: new DynamoDbConnectionRegistry(this.adapterConfig()),
      memberships: this.memberships(),
      messages: new DynamoDbMessageLog(this.adapterConfig()),
      notifier: options.notifier,
      clock: new SystemClock(),
      ids: new RandomIds(),
      logger: silent,
      ...(options.queue
        ? { fanOutQueue: new SqsFanOutQueue({ client: this.sqs.client, queueUrl: this.sqs.queueUrl }) }
        : {}),
    };
    const onAcked = options.onAcked;
    return createChat(ports, options.policy ?? this.policy, {
      ...(onAcked === undefined ? {} : { decorateFanOut: (inner) => ackObserved(inner, onAcked) }),
    });
  }

  /** `count` pollers, each invocation served by an idle container's `deliverShard` (containers are reused). */
  startWorkers(count: number): Workers {
    // Containers stay warm from one round to the next, as Lambda keeps them between invocations.
    while (this.workerChats.length < count) {
      this.workerChats.push(this.chat({ queue: true, notifier: this.container().notifier }));
    }
    const idle = this.workerChats.slice(0, count);
    const invocations: number[] = [];
    let failedJobs = 0;
    let running = 0;
    let waiters: (() => void)[] = [];
    const poller: QueuePoller = startQueuePoller({
      client: this.sqs.client,
      queueUrl: this.sqs.queueUrl,
      queueArn: this.sqs.queueArn,
      region: LOCAL_REGION,
      batchSize: 1,
      maximumConcurrency: count,
      context: () => workerContext('fanout', LOCAL_REGION, 60_000, realScheduler),
      handler: async (event) => {
        const chat = idle.pop();
        if (chat?.deliverShard === undefined) throw new Error('no idle worker container');
        running += 1;
        let deliveries = 0;
        const failures: { itemIdentifier: string }[] = [];
        try {
          await Promise.all(
            event.Records.map(async (record) => {
              try {
                const { report } = await (chat.deliverShard as NonNullable<Chat['deliverShard']>).execute(
                  parseFanOutJob(record.body),
                );
                deliveries += report.delivered;
              } catch {
                failedJobs += 1;
                failures.push({ itemIdentifier: record.messageId });
              }
            }),
          );
          invocations.push(deliveries);
          return { batchItemFailures: failures };
        } finally {
          idle.push(chat);
          running -= 1;
          if (running === 0) for (const wake of waiters.splice(0)) wake();
        }
      },
    });
    return {
      invocations,
      get failedJobs() {
        return failedJobs;
      },
      idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
      stop: async () => {
        await poller.stop();
        waiters = [];
      },
    };
  }

  /** Every call duration the containers' notifiers recorded since the last take. */
  takeDurations(): number[] {
    const taken = this.containers.flatMap((container) => container.notifier.durations);
    for (const container of this.containers) container.notifier.durations = [];
    return taken;
  }

  async stop(): Promise<void> {
    for (const container of this.containers.splice(0)) container.pool.destroy();
    this.documentClient.destroy();
    await this.host.stop();
    await this.sqs.stop();
    await this.dynamo.stop();
  }

  private adapterConfig() {
    return { client: this.documentClient, tableName: TABLE, clock: new SystemClock() };
  }
}

/** Wraps a fan-out so the caller learns when the sender's ack (the `onAccepted` callback) is done. */
function ackObserved(inner: FanOutPort, onAcked: () => void): FanOutPort {
  return {
    toRoom: (room: RoomName, event, options = {}) =>
      inner.toRoom(room, event, {
        ...options,
        onAccepted: async () => {
          await options.onAccepted?.();
          onAcked();
        },
      }),
    toConnections: (ids, event) => inner.toConnections(ids, event),
    toEveryone: (event, options) => inner.toEveryone(event, options),
    prepare: (room: RoomName) => inner.prepare?.(room) ?? { room },
  };
}
