// Domain service: the fan-out strategy for rooms of any size. Small rooms (and small services, for
// broadcasts) are served inline, as PagedFanOut does; past `inlineMax` recipients the event is handed to
// queue-fed workers, one job per shard, and the sender is acknowledged once every job is enqueued.

import type { ConnectionId } from '../model/connection.js';
import type { RoomName } from '../model/room.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { FanOutQueuePort } from '../ports/fan-out-queue.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import { ChatError } from '../protocol/errors.js';
import type { ServerEvent } from '../protocol/server-events.js';
import { reportWithoutDeliveries } from './delivery-pool.js';
import type { FanOutJob } from './fan-out-job.js';
import type { FanOutOptions, FanOutPort, FanOutReport, PreparedRoom } from './fan-out.port.js';
import type { RoomShape } from './shard-plan.js';

export interface ShardedFanOutDeps {
  /** Serves what stays inline: small rooms, listed connections, broadcasts to a small service. */
  readonly inline: FanOutPort;
  readonly memberships: RoomMembershipPort;
  readonly connections: ConnectionRegistryPort;
  readonly queue: FanOutQueuePort;
  readonly clock: ClockPort;
  readonly logger: LoggerPort;
  /** Rooms (and services, for broadcasts) of at most this many connections are served inline. */
  readonly inlineMax: number;
  /**
   * How long a room's shape is reused before it is read again. A stale shape is safe: bucket counts only
   * grow, and a room that just crossed the threshold is served inline a little longer.
   */
  readonly shapeCacheMs: number;
}

export class ShardedFanOut implements FanOutPort {
  private readonly shapes = new Map<RoomName, { shape: Promise<RoomShape>; readAt: number }>();

  constructor(private readonly deps: ShardedFanOutDeps) {}

  async toRoom(room: RoomName, event: ServerEvent, options: FanOutOptions = {}): Promise<FanOutReport> {
    // Announcements ask for small rooms only: the inline strategy lists at most `atMost` + 1 members
    // and sends nothing when there are more, so they never need workers, whatever the room's size.
    if (options.atMost !== undefined) return this.deps.inline.toRoom(room, event, options);
    const shape = await this.shapeOf(room);
    if (shape.approximateMembers <= this.deps.inlineMax) return this.deps.inline.toRoom(room, event, options);
    const jobs: FanOutJob[] = Array.from({ length: shape.buckets }, (_, bucket) => ({
      shard:
        options.except === undefined
          ? { kind: 'room', room, bucket }
          : { kind: 'room', room, bucket, except: options.except },
      event,
    }));
    return this.handOff(`room:${room}`, jobs, options.onAccepted);
  }

  toConnections(connectionIds: readonly ConnectionId[], event: ServerEvent): Promise<FanOutReport> {
    return this.deps.inline.toConnections(connectionIds, event);
  }

  async toEveryone(
    event: ServerEvent,
    options: Pick<FanOutOptions, 'onAccepted'> = {},
  ): Promise<FanOutReport> {
    const listed = await this.listUpTo(this.deps.inlineMax + 1);
    if (listed.length <= this.deps.inlineMax) {
      await options.onAccepted?.();
      const report = await this.deps.inline.toConnections(listed, event);
      return { ...report, target: 'everyone' };
    }
    const jobs: FanOutJob[] = Array.from({ length: this.deps.connections.partitions }, (_, partition) => ({
      shard: { kind: 'everyone', partition },
      event,
    }));
    return this.handOff('everyone', jobs, options.onAccepted);
  }

  private async handOff(
    target: string,
    jobs: readonly FanOutJob[],
    onAccepted: (() => Promise<void>) | undefined,
  ): Promise<FanOutReport> {
    const startedAt = this.deps.clock.now();
    try {
      await this.deps.queue.enqueue(jobs);
    } catch (error) {
      this.deps.logger.error('fan-out not handed off: could not enqueue its jobs', { target, error });
      throw new ChatError(
        'unavailable',
        'The message is stored but could not be sent on; try again shortly',
        {
          retryable: true,
        },
      );
    }
    await onAccepted?.();
    const report = reportWithoutDeliveries(target, this.deps.clock.now() - startedAt, {
      queuedJobs: jobs.length,
    });
    this.deps.logger.info('fan-out handed off', { ...report });
    return report;
  }

  /**
   * Starts reading the room's shape and, for the inline strategy, its first members, so that a send can
   * overlap them with its checks and with storing the message. Both start at once, so for a room served by
   * workers the page goes unused: one page read, a sliver of the room's own listing by the workers, where
   * waiting for the shape first would add a round trip to every inline send whose shape is not cached.
   */
  prepare(room: RoomName): PreparedRoom {
    const shape = this.shapeOf(room);
    shape.catch(() => undefined);
    return { ...this.deps.inline.prepare?.(room), room, shape };
  }

  private shapeOf(room: RoomName): Promise<RoomShape> {
    const now = this.deps.clock.now();
    const cached = this.shapes.get(room);
    if (cached !== undefined && now - cached.readAt < this.deps.shapeCacheMs) return cached.shape;
    const shape = this.deps.memberships.roomShape(room);
    // A failed read is not kept: the next fan-out reads again.
    shape.catch(() => {
      if (this.shapes.get(room)?.shape === shape) this.shapes.delete(room);
    });
    // Bounded: a warm function serving many rooms forgets the oldest first.
    if (this.shapes.size >= 1_000) this.shapes.delete(this.shapes.keys().next().value as RoomName);
    this.shapes.set(room, { shape, readAt: now });
    return shape;
  }

  private async listUpTo(count: number): Promise<ConnectionId[]> {
    const listed: ConnectionId[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.connections.connectionsPage({
        limit: count - listed.length,
        cursor,
      });
      listed.push(...page.connections.map((connection) => connection.connectionId));
      cursor = page.cursor;
    } while (cursor !== undefined && listed.length < count);
    return listed;
  }
}
