// Test support: the sharded fan-out wired to in-memory fakes, as the unit tests of the sender's side
// (ShardedFanOut) and of the worker's side (DeliverShard) both need it, with helpers to fill rooms and to
// run the queued jobs as the workers would.

import {
  ConnectionJanitor,
  DeliverShard,
  growthGraceMs,
  listedJobs,
  PagedFanOut,
  ShardedFanOut,
  type ShardResult,
} from '../../src/domain/index.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryFanOutQueue } from '../fakes/in-memory-fan-out-queue.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { RecordingNotifier } from '../fakes/recording-notifier.js';

export const DAY = 86_400_000;
export const SHAPE_CACHE_MS = 1_000;

export interface ShardedFanOutRigOptions {
  readonly inlineMax: number;
  /** 50 unless said. */
  readonly membersPerBucket?: number;
  /** Registry partitions: 4 unless said. */
  readonly partitions?: number;
  readonly concurrency: number;
  /** Of the inline fan-out and of the worker: 25 unless said. */
  readonly pageSize?: number;
  /** 60 unless said. */
  readonly deliveriesPerJob?: number;
  /** How long the inline fan-out delivers before handing the rest to the queue; no limit unless said. */
  readonly inlineBudgetMs?: number;
}

export type ShardedFanOutRig = ReturnType<typeof shardedFanOutRig>;

export function shardedFanOutRig(options: ShardedFanOutRigOptions) {
  const pageSize = options.pageSize ?? 25;
  const clock = new ManualClock();
  const connections = new InMemoryConnectionRegistry(clock, options.partitions ?? 4);
  const memberships = new InMemoryRoomMembership(clock, {
    membersPerBucket: options.membersPerBucket ?? 50,
    shapeCacheMs: SHAPE_CACHE_MS,
  });
  const notifier = new RecordingNotifier();
  const logger = new RecordingLogger();
  const queue = new InMemoryFanOutQueue();
  const janitor = new ConnectionJanitor({ connections, memberships, clock });
  const pool = {
    memberships,
    connections,
    notifier,
    janitor,
    clock,
    logger,
    concurrency: options.concurrency,
  };
  const fanOut = new ShardedFanOut({
    ...pool,
    inline: new PagedFanOut({
      ...pool,
      pageSize,
      ...(options.inlineBudgetMs === undefined
        ? {}
        : {
            overflow: {
              afterMs: options.inlineBudgetMs,
              handOff: (recipients, event) => queue.enqueue(listedJobs(recipients, event)),
            },
          }),
    }),
    queue,
    inlineMax: options.inlineMax,
    shapeCacheMs: SHAPE_CACHE_MS,
  });
  const worker = new DeliverShard({
    ...pool,
    queue,
    pageSize,
    deliveriesPerJob: options.deliveriesPerJob ?? 60,
  });

  async function connection(connectionId: string, userId = `user-${connectionId}`): Promise<void> {
    await connections.register({
      connectionId,
      userId,
      displayName: userId,
      // Connected well before: a 410 means the connection is gone, not still opening.
      connectedAt: clock.now() - 60_000,
      expiresAt: clock.now() + DAY,
    });
  }

  /** A member written after any growth has settled, so members spread over every bucket. */
  async function member(room: string, connectionId: string, userId = `user-${connectionId}`): Promise<void> {
    await connection(connectionId, userId);
    const joinedAt = clock.now();
    await memberships.add({
      room,
      connectionId,
      userId,
      displayName: userId,
      joinedAt,
      expiresAt: joinedAt + DAY,
    });
    clock.advance(growthGraceMs(SHAPE_CACHE_MS));
  }

  /** Runs every queued job, follow-ups included, as the workers would; returns each invocation's result. */
  async function drain(): Promise<ShardResult[]> {
    const results: ShardResult[] = [];
    for (let job = queue.take(); job !== undefined; job = queue.take())
      results.push(await worker.execute(job));
    return results;
  }

  return {
    clock,
    connections,
    memberships,
    notifier,
    logger,
    queue,
    worker,
    fanOut,
    connection,
    member,
    drain,
  };
}
