// Unit: the sharded fan-out strategy. Small rooms and services stay inline; past `inlineMax` the sender
// enqueues one job per bucket (or registry partition) and is acknowledged only once every job is queued.

import { describe, expect, it } from '@jest/globals';
import {
  ChatError,
  chatPolicy,
  createChat,
  growthGraceMs,
  isCountedConnection,
  roomConversation,
  type Caller,
  type FanOutJob,
  type ServerEvent,
} from '../../src/domain/index.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryFanOutQueue } from '../fakes/in-memory-fan-out-queue.js';
import { InMemoryMessageLog } from '../fakes/in-memory-message-log.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock, settle } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { RecordingNotifier } from '../fakes/recording-notifier.js';
import { SequentialIds } from '../fakes/sequential-ids.js';
import { DAY, SHAPE_CACHE_MS, shardedFanOutRig } from '../support/sharded-fan-out-rig.js';

const event: ServerEvent = { type: 'pong', serverTime: 0 };

interface Options {
  readonly inlineMax: number;
  readonly membersPerBucket?: number;
  readonly partitions?: number;
}

function setup(options: Options) {
  const rig = shardedFanOutRig({ ...options, concurrency: 4 });
  const { memberships } = rig;
  let shapeReads = 0;
  const readShape = memberships.roomShape.bind(memberships);
  memberships.roomShape = async (room) => {
    shapeReads += 1;
    return readShape(room);
  };
  return { ...rig, shapeReads: () => shapeReads };
}

/** Fills a room with counted connections only, so its approximate size is exactly `counted` x 8. */
async function roomOfCounted(h: ReturnType<typeof setup>, room: string, counted: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; ids.length < counted; i += 1) {
    const id = `c${i}`;
    if (isCountedConnection(id)) ids.push(id);
  }
  for (const id of ids) await h.member(room, id);
  return ids;
}

describe('ShardedFanOut: which rooms stay inline', () => {
  it('serves a room of exactly inlineMax connections inline, acknowledging before any delivery', async () => {
    const h = setup({ inlineMax: 16 });
    const ids = await roomOfCounted(h, 'room', 2);
    expect((await h.memberships.roomShape('room')).approximateMembers).toBe(16);
    const order: string[] = [];
    const deliver = h.notifier.deliver.bind(h.notifier);
    h.notifier.deliver = async (id, e) => {
      order.push(id);
      return deliver(id, e);
    };

    const report = await h.fanOut.toRoom('room', event, {
      onAccepted: async () => {
        order.push('accepted');
      },
    });

    expect(order[0]).toBe('accepted');
    expect(order.slice(1).sort()).toEqual(ids.slice().sort());
    expect(report.queuedJobs).toBeUndefined();
    expect(report).toMatchObject({ target: 'room:room', delivered: 2, complete: true });
    expect(h.queue.calls).toBe(0);
  });

  it('hands a room of inlineMax + 1 connections to workers, one job per bucket', async () => {
    const h = setup({ inlineMax: 15, membersPerBucket: 4 });
    const ids = await roomOfCounted(h, 'room', 2);
    const shape = await h.memberships.roomShape('room');
    expect(shape.approximateMembers).toBe(16);
    let queuedAtAck = -1;

    const report = await h.fanOut.toRoom('room', event, {
      except: 'c-sender',
      onAccepted: async () => {
        queuedAtAck = h.queue.pending().length;
      },
    });

    const expected: FanOutJob[] = Array.from({ length: shape.buckets }, (_, bucket) => ({
      shard: { kind: 'room', room: 'room', bucket, except: 'c-sender' },
      event,
    }));
    expect(shape.buckets).toBe(4);
    expect(h.queue.pending()).toEqual(expected);
    expect(queuedAtAck).toBe(shape.buckets);
    expect(report).toMatchObject({ target: 'room:room', queuedJobs: 4, recipients: 0, complete: true });
    expect(h.notifier.deliveries).toBe(0);
    expect(h.logger.withMessage('fan-out handed off')).toHaveLength(1);

    await h.drain();
    expect(h.notifier.recipientsOf('pong').sort()).toEqual(ids.slice().sort());
  });

  it('times the hand-off on the injected clock and logs the report it returns', async () => {
    const h = setup({ inlineMax: 15, membersPerBucket: 4 });
    await roomOfCounted(h, 'room', 2);
    const enqueue = h.queue.enqueue.bind(h.queue);
    h.queue.enqueue = async (jobs) => {
      h.clock.advance(40);
      return enqueue(jobs);
    };

    const report = await h.fanOut.toRoom('room', event, {
      onAccepted: async () => {
        h.clock.advance(5);
      },
    });

    expect(report).toEqual({
      target: 'room:room',
      recipients: 0,
      delivered: 0,
      gone: 0,
      failed: 0,
      durationMs: 45,
      complete: true,
      queuedJobs: 4,
    });
    expect(h.logger.withMessage('fan-out handed off').map((entry) => entry.fields)).toEqual([report]);
  });

  it('gives the queue jobs without an except field when the fan-out excepts no one', async () => {
    const h = setup({ inlineMax: 15, membersPerBucket: 4 });
    await roomOfCounted(h, 'room', 2);
    const given: FanOutJob[] = [];
    const enqueue = h.queue.enqueue.bind(h.queue);
    h.queue.enqueue = async (jobs) => {
      given.push(...jobs);
      return enqueue(jobs);
    };

    await h.fanOut.toRoom('room', event);

    // What the queue port is handed, before any serialisation: `except` absent, not present as undefined.
    expect(given).toStrictEqual(
      [0, 1, 2, 3].map((bucket) => ({ shard: { kind: 'room', room: 'room', bucket }, event })),
    );
  });

  it('keeps a small-rooms-only fan-out (atMost <= inlineMax) inline even for a large room', async () => {
    const h = setup({ inlineMax: 15, membersPerBucket: 4 });
    await roomOfCounted(h, 'room', 3);

    const report = await h.fanOut.toRoom('room', event, { atMost: 1 });

    expect(report.skipped).toBe('room_too_large');
    expect(h.queue.calls).toBe(0);
    expect(h.shapeReads()).toBe(0);
    expect(h.notifier.deliveries).toBe(0);
  });

  it('sends a list of connections inline', async () => {
    const h = setup({ inlineMax: 1 });
    for (const id of ['a', 'b', 'c']) await h.connection(id);

    const report = await h.fanOut.toConnections(['a', 'b', 'c'], event);

    expect(report).toMatchObject({ target: 'connections', delivered: 3 });
    expect(h.queue.calls).toBe(0);
  });
});

describe('ShardedFanOut: when the jobs cannot be enqueued', () => {
  it('throws unavailable, never acknowledges and delivers nothing', async () => {
    const h = setup({ inlineMax: 15, membersPerBucket: 4 });
    await roomOfCounted(h, 'room', 3);
    h.queue.failNext();
    let accepted = false;

    const attempt = h.fanOut.toRoom('room', event, {
      onAccepted: async () => {
        accepted = true;
      },
    });

    await expect(attempt).rejects.toBeInstanceOf(ChatError);
    await expect(attempt).rejects.toMatchObject({
      code: 'unavailable',
      message: 'The message is stored but could not be sent on; try again shortly',
      details: { retryable: true },
    });
    expect(accepted).toBe(false);
    expect(h.queue.pending()).toEqual([]);
    expect(h.notifier.deliveries).toBe(0);
    const logged = h.logger.withMessage('fan-out not handed off: could not enqueue its jobs');
    expect(logged.map((entry) => entry.fields)).toEqual([{ target: 'room:room', error: expect.any(Error) }]);
    expect((logged[0]?.fields['error'] as Error).message).toBe('fan-out queue unavailable');

    // The queue is back: the next fan-out goes through.
    const report = await h.fanOut.toRoom('room', event);
    expect(report.queuedJobs).toBeGreaterThan(0);
  });
});

describe('ShardedFanOut: the room shape cache', () => {
  it('reuses a shape for shapeCacheMs on the injected clock, then reads it again', async () => {
    const h = setup({ inlineMax: 15, membersPerBucket: 4 });
    await h.member('room', 'first');
    const readAt = h.clock.now();

    expect((await h.fanOut.toRoom('room', event)).queuedJobs).toBeUndefined();
    expect(h.shapeReads()).toBe(1);

    // The room outgrows inlineMax while the sender still holds its shape: inline a little longer.
    const counted: string[] = [];
    for (let i = 0; counted.length < 3; i += 1) if (isCountedConnection(`x${i}`)) counted.push(`x${i}`);
    for (const connectionId of counted) {
      await h.memberships.add({
        room: 'room',
        connectionId,
        userId: connectionId,
        displayName: connectionId,
        joinedAt: h.clock.now(),
        expiresAt: h.clock.now() + DAY,
      });
    }
    h.clock.advance(SHAPE_CACHE_MS - 1);
    expect((await h.fanOut.toRoom('room', event)).queuedJobs).toBeUndefined();
    expect(h.shapeReads()).toBe(1);

    h.clock.advance(1);
    expect(h.clock.now() - readAt).toBe(SHAPE_CACHE_MS);
    expect((await h.fanOut.toRoom('room', event)).queuedJobs).toBeGreaterThan(0);
    expect(h.shapeReads()).toBe(2);
  });
});

describe('ShardedFanOut: a room shape that cannot be read', () => {
  it('is not kept: the next fan-out reads the shape again at once', async () => {
    const h = setup({ inlineMax: 15 });
    await h.member('room', 'only');
    const read = h.memberships.roomShape.bind(h.memberships);
    let calls = 0;
    h.memberships.roomShape = async (room) => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
      return read(room);
    };

    await expect(h.fanOut.toRoom('room', event)).rejects.toThrow('throttled');
    const report = await h.fanOut.toRoom('room', event);

    expect(calls).toBe(2);
    expect(report).toMatchObject({ target: 'room:room', delivered: 1 });
  });

  it('does not make the cache forget a newer shape when it fails after that one was read', async () => {
    const h = setup({ inlineMax: 15 });
    await h.member('room', 'only');
    const read = h.memberships.roomShape.bind(h.memberships);
    let calls = 0;
    let failFirst: (error: Error) => void = () => undefined;
    h.memberships.roomShape = (room) => {
      calls += 1;
      if (calls > 1) return read(room);
      return new Promise((_resolve, reject) => {
        failFirst = reject;
      });
    };

    h.fanOut.prepare('room');
    h.clock.advance(SHAPE_CACHE_MS);
    await h.fanOut.toRoom('room', event);
    expect(calls).toBe(2);
    // The slow first read fails only now; the shape read since stays cached.
    failFirst(new Error('timed out'));
    await settle();
    await h.fanOut.toRoom('room', event);

    expect(calls).toBe(2);
  });
});

describe('ShardedFanOut: how many room shapes it keeps', () => {
  it('keeps 1,000 rooms, forgetting the one read first to make room for the next', async () => {
    const h = setup({ inlineMax: 15 });
    const rooms = Array.from({ length: 1_001 }, (_, i) => `room-${i}`);

    for (const room of rooms.slice(0, 1_000)) h.fanOut.prepare(room);
    // Full, not over: every one of the 1,000 is still cached.
    h.fanOut.prepare('room-0');
    expect(h.shapeReads()).toBe(1_000);

    h.fanOut.prepare('room-1000');
    expect(h.shapeReads()).toBe(1_001);
    h.fanOut.prepare('room-999');
    h.fanOut.prepare('room-1');
    expect(h.shapeReads()).toBe(1_001);
    h.fanOut.prepare('room-0');
    expect(h.shapeReads()).toBe(1_002);
  });

  it('keeps the shapes of two rooms side by side', async () => {
    const h = setup({ inlineMax: 15 });
    h.fanOut.prepare('a');
    h.fanOut.prepare('b');
    h.fanOut.prepare('a');
    h.fanOut.prepare('b');
    expect(h.shapeReads()).toBe(2);
  });
});

describe('ShardedFanOut: toEveryone', () => {
  it('delivers inline to a service of exactly inlineMax connections, acknowledging first', async () => {
    const h = setup({ inlineMax: 5, partitions: 3 });
    for (let i = 0; i < 5; i += 1) await h.connection(`c${i}`);
    const order: string[] = [];
    const deliver = h.notifier.deliver.bind(h.notifier);
    h.notifier.deliver = async (id, e) => {
      order.push(id);
      return deliver(id, e);
    };

    const report = await h.fanOut.toEveryone(event, {
      onAccepted: async () => {
        order.push('accepted');
      },
    });

    expect(order).toHaveLength(6);
    expect(order[0]).toBe('accepted');
    expect(report).toMatchObject({ target: 'everyone', recipients: 5, delivered: 5 });
    expect(report.queuedJobs).toBeUndefined();
    expect(h.queue.calls).toBe(0);
  });

  it('hands a service of inlineMax + 1 connections to one job per registry partition', async () => {
    const h = setup({ inlineMax: 5, partitions: 3 });
    const ids = Array.from({ length: 6 }, (_, i) => `c${i}`);
    for (const id of ids) await h.connection(id);
    let queuedAtAck = -1;

    const report = await h.fanOut.toEveryone(event, {
      onAccepted: async () => {
        queuedAtAck = h.queue.pending().length;
      },
    });

    expect(h.queue.pending()).toEqual(
      [0, 1, 2].map((partition) => ({ shard: { kind: 'everyone', partition }, event })),
    );
    expect(queuedAtAck).toBe(3);
    expect(report).toMatchObject({ target: 'everyone', queuedJobs: 3 });
    expect(h.notifier.deliveries).toBe(0);

    await h.drain();
    expect(h.notifier.recipientsOf('pong').sort()).toEqual(ids);
    expect(h.notifier.deliveries).toBe(6);
  });

  it('asks the registry only for what it still lacks when pages come back short, up to inlineMax + 1', async () => {
    const h = setup({ inlineMax: 4, partitions: 3 });
    for (let i = 0; i < 8; i += 1) await h.connection(`c${i}`);
    // As DynamoDB does when a page reaches its size limit: at most two connections a page, and a cursor.
    const limits: number[] = [];
    const page = h.connections.connectionsPage.bind(h.connections);
    h.connections.connectionsPage = async (options) => {
      limits.push(options.limit);
      return page({ ...options, limit: Math.min(options.limit, 2) });
    };

    const report = await h.fanOut.toEveryone(event);

    expect(limits).toEqual([5, 3, 1]);
    expect(report).toMatchObject({ target: 'everyone', queuedJobs: 3 });
    expect(h.notifier.deliveries).toBe(0);
  });

  it('serves inline every connection of a small service the registry lists in short pages', async () => {
    const h = setup({ inlineMax: 4 });
    const ids = ['a', 'b', 'c', 'd'];
    for (const id of ids) await h.connection(id);
    const page = h.connections.connectionsPage.bind(h.connections);
    h.connections.connectionsPage = async (options) =>
      page({ ...options, limit: Math.min(options.limit, 2) });

    const report = await h.fanOut.toEveryone(event);

    expect(report).toMatchObject({ target: 'everyone', recipients: 4, delivered: 4 });
    expect(h.notifier.recipientsOf('pong').sort()).toEqual(ids);
    expect(h.queue.calls).toBe(0);
  });

  it('throws unavailable and never acknowledges when the partition jobs cannot be enqueued', async () => {
    const h = setup({ inlineMax: 1 });
    for (const id of ['a', 'b']) await h.connection(id);
    h.queue.failAlways();
    let accepted = false;

    await expect(
      h.fanOut.toEveryone(event, {
        onAccepted: async () => {
          accepted = true;
        },
      }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(accepted).toBe(false);
  });
});

describe('sendMessage to a sharded room', () => {
  const policy = chatPolicy({
    fanOutInlineMax: 100,
    membersPerBucket: 50,
    membersPageSize: 25,
    deliveriesPerJob: 60,
    roomShapeCacheMs: SHAPE_CACHE_MS,
  });

  async function bigRoom(members: number) {
    const clock = new ManualClock();
    const connections = new InMemoryConnectionRegistry(clock);
    const memberships = new InMemoryRoomMembership(clock, {
      membersPerBucket: policy.membersPerBucket,
      shapeCacheMs: policy.roomShapeCacheMs,
    });
    const messages = new InMemoryMessageLog(clock);
    const notifier = new RecordingNotifier();
    const logger = new RecordingLogger();
    const fanOutQueue = new InMemoryFanOutQueue();
    const ports = { connections, memberships, messages, notifier, clock, ids: new SequentialIds(), logger };
    const chat = createChat({ ...ports, fanOutQueue }, policy);
    const ids = Array.from({ length: members }, (_, i) => `c${String(i).padStart(3, '0')}`);
    for (const connectionId of ids) {
      const userId = `u-${connectionId}`;
      const expiresAt = clock.now() + DAY;
      await connections.register({
        connectionId,
        userId,
        displayName: userId,
        connectedAt: clock.now(),
        expiresAt,
      });
      await memberships.add({
        room: 'big',
        connectionId,
        userId,
        displayName: userId,
        joinedAt: clock.now(),
        expiresAt,
      });
      clock.advance(growthGraceMs(policy.roomShapeCacheMs));
    }
    const sender: Caller = {
      connectionId: 'c000',
      identity: { userId: 'u-c000', displayName: 'u-c000' },
      connectedAt: clock.now(),
    };
    return { chat, notifier, messages, memberships, queue: fanOutQueue, sender, ids };
  }

  it('acknowledges only after every shard job is enqueued, then workers deliver to every member', async () => {
    const { chat, notifier, queue, sender, ids, memberships } = await bigRoom(300);
    const { buckets } = await memberships.roomShape('big');
    let queuedAtAck = -1;
    const deliver = notifier.deliver.bind(notifier);
    notifier.deliver = async (id, e) => {
      if (e.type === 'ack') queuedAtAck = queue.pending().length;
      return deliver(id, e);
    };

    const result = await chat.sendMessage.execute(sender, { action: 'sendMessage', room: 'big', text: 'hi' });

    expect(buckets).toBeGreaterThan(1);
    expect(queuedAtAck).toBe(buckets);
    expect(result.fanOut).toMatchObject({ queuedJobs: buckets });
    expect(notifier.ofType('c000', 'ack')).toEqual([expect.objectContaining({ seq: 1, duplicate: false })]);
    expect(notifier.recipientsOf('message')).toEqual([]);

    const worker = chat.deliverShard;
    if (worker === undefined) throw new Error('a fan-out queue was given: deliverShard must exist');
    for (let job = queue.take(); job !== undefined; job = queue.take()) await worker.execute(job);
    expect(notifier.recipientsOf('message').sort()).toEqual(ids);
    for (const id of ids) expect(notifier.ofType(id, 'message')).toHaveLength(1);
  });

  it('reads the room shape while the message is being stored, once per send', async () => {
    const { chat, messages, memberships, sender } = await bigRoom(150);
    const calls: string[] = [];
    const roomShape = memberships.roomShape.bind(memberships);
    memberships.roomShape = async (room) => {
      calls.push('roomShape');
      return roomShape(room);
    };
    const append = messages.append.bind(messages);
    messages.append = async (draft) => {
      calls.push('append:start');
      const stored = await append(draft);
      calls.push('append:end');
      return stored;
    };

    await chat.sendMessage.execute(sender, { action: 'sendMessage', room: 'big', text: 'overlap' });

    expect(calls).toEqual(['roomShape', 'append:start', 'append:end']);
  });

  it('answers unavailable without an ack when the jobs cannot be enqueued; the message keeps its seq', async () => {
    const { chat, notifier, queue, sender, messages } = await bigRoom(150);
    queue.failAlways();

    const failed = chat.sendMessage.execute(sender, { action: 'sendMessage', room: 'big', text: 'one' });

    await expect(failed).rejects.toBeInstanceOf(ChatError);
    await expect(failed).rejects.toMatchObject({ code: 'unavailable' });
    expect(notifier.ofType('c000', 'ack')).toEqual([]);
    expect(messages.stored(roomConversation('big')).map((m) => [m.seq, m.text])).toEqual([[1, 'one']]);

    queue.failAlways(false);
    const next = await chat.sendMessage.execute(sender, { action: 'sendMessage', room: 'big', text: 'two' });

    expect(next.message.seq).toBe(2);
    expect(notifier.ofType('c000', 'ack')).toEqual([expect.objectContaining({ seq: 2 })]);
    expect(queue.pending().length).toBeGreaterThan(0);
  });
});
