// Unit: an inline fan-out that runs out of its time budget hands the recipients it has not reached to the
// workers and returns, so the invocation ends long before API Gateway's integration timeout; if the
// workers cannot take them, it serves them itself: late, never lost.

import { describe, expect, it } from '@jest/globals';
import {
  MAX_LISTED_RECIPIENTS,
  MalformedJobError,
  parseFanOutJob,
  type ConnectionId,
  type DeliveryOptions,
  type ServerEvent,
} from '../../src/domain/index.js';
import { shardedFanOutRig, type ShardedFanOutRig } from '../support/sharded-fan-out-rig.js';

const event: ServerEvent = { type: 'pong', serverTime: 0 };

/** Every delivery takes `ms` on the rig's clock, as a slow @connections endpoint would. */
function slowDeliveries(rig: ShardedFanOutRig, ms: number): void {
  const deliver = rig.notifier.deliver.bind(rig.notifier);
  rig.notifier.deliver = async (connectionId: ConnectionId, sent: ServerEvent) => {
    rig.clock.advance(ms);
    return deliver(connectionId, sent);
  };
}

async function room(rig: ShardedFanOutRig, name: string, size: number): Promise<string[]> {
  const ids = Array.from({ length: size }, (_, i) => `${name}-${String(i).padStart(5, '0')}`);
  for (const id of ids) await rig.member(name, id);
  return ids;
}

function receivedOnce(rig: ShardedFanOutRig, ids: readonly string[]): string[] {
  return ids.filter((id) => rig.notifier.ofType(id, 'pong').length !== 1);
}

describe('an inline fan-out with a time budget', () => {
  it('stops starting deliveries at its deadline and hands the rest to the workers, each recipient once', async () => {
    const rig = shardedFanOutRig({
      inlineMax: 100,
      membersPerBucket: 1_000,
      concurrency: 4,
      inlineBudgetMs: 100,
    });
    const ids = await room(rig, 'busy', 60);
    slowDeliveries(rig, 10);

    const report = await rig.fanOut.toRoom('busy', event);

    // 4 workers, 10 ms a delivery, 100 ms: about 40 served here; the budget bounds it, not the room.
    expect(report.recipients).toBeGreaterThanOrEqual(4);
    expect(report.recipients).toBeLessThan(60);
    expect(report.handedOff).toBe(60 - report.recipients);
    expect(report.complete).toBe(true);
    const jobs = rig.queue.pending();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.shard).toEqual({ kind: 'connections', connectionIds: expect.any(Array) });

    await rig.drain();
    expect(receivedOnce(rig, ids)).toEqual([]);
  });

  it('finishes inline, handing nothing off, when the deliveries fit in the budget', async () => {
    const rig = shardedFanOutRig({
      inlineMax: 100,
      membersPerBucket: 1_000,
      concurrency: 4,
      inlineBudgetMs: 1_000,
    });
    const ids = await room(rig, 'calm', 60);
    slowDeliveries(rig, 10);

    const report = await rig.fanOut.toRoom('calm', event);

    expect(report).toMatchObject({ recipients: 60, delivered: 60, complete: true });
    expect(report.handedOff).toBeUndefined();
    expect(rig.queue.calls).toBe(0);
    expect(receivedOnce(rig, ids)).toEqual([]);
  });

  it('splits what it hands off into jobs that each name at most the listed maximum', async () => {
    const size = MAX_LISTED_RECIPIENTS + 500;
    const rig = shardedFanOutRig({
      inlineMax: size * 2,
      membersPerBucket: 100_000,
      concurrency: 2,
      pageSize: 500,
      inlineBudgetMs: 10,
    });
    const ids = await room(rig, 'crowd', size);
    slowDeliveries(rig, 10);

    const report = await rig.fanOut.toRoom('crowd', event);

    const sizes = rig.queue
      .pending()
      .map((job) => (job.shard.kind === 'connections' ? job.shard.connectionIds.length : -1));
    expect(sizes[0]).toBe(MAX_LISTED_RECIPIENTS);
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(report.handedOff);
    expect(report.recipients + (report.handedOff ?? 0)).toBe(size);
    await rig.drain();
    expect(receivedOnce(rig, ids)).toEqual([]);
  });

  it('serves the rest itself when the workers cannot take it: late, not lost', async () => {
    const rig = shardedFanOutRig({
      inlineMax: 100,
      membersPerBucket: 1_000,
      concurrency: 4,
      inlineBudgetMs: 50,
    });
    const ids = await room(rig, 'stuck', 60);
    slowDeliveries(rig, 10);
    rig.queue.failAlways();

    const report = await rig.fanOut.toRoom('stuck', event);

    expect(report).toMatchObject({ recipients: 60, delivered: 60, complete: true });
    expect(report.handedOff).toBeUndefined();
    expect(rig.queue.calls).toBe(1);
    expect(receivedOnce(rig, ids)).toEqual([]);
    expect(rig.logger.entries.some((entry) => entry.message.includes('could not hand off'))).toBe(true);
  });

  it('leaves out the excepted connection from what it hands off', async () => {
    const rig = shardedFanOutRig({
      inlineMax: 100,
      membersPerBucket: 1_000,
      concurrency: 1,
      inlineBudgetMs: 10,
    });
    const ids = await room(rig, 'quiet', 20);
    slowDeliveries(rig, 10);

    await rig.fanOut.toRoom('quiet', event, { except: ids[19] });
    await rig.drain();

    expect(rig.notifier.ofType(ids[19] as string, 'pong')).toEqual([]);
    expect(receivedOnce(rig, ids.slice(0, 19))).toEqual([]);
  });
});

describe('an inline fan-out whose deliveries queue for a slot', () => {
  it('hands on the recipients whose turn came after the deadline, without counting them', async () => {
    const rig = shardedFanOutRig({
      inlineMax: 100,
      membersPerBucket: 1_000,
      concurrency: 8,
      inlineBudgetMs: 100,
    });
    const ids = await room(rig, 'queued', 40);
    // Each call waits 30 ms for a slot shared with other invocations, then starts only if still in time.
    const deliver = rig.notifier.deliver.bind(rig.notifier);
    rig.notifier.deliver = async (
      connectionId: ConnectionId,
      sent: ServerEvent,
      options?: DeliveryOptions,
    ) => {
      rig.clock.advance(30);
      if (options?.startBy !== undefined && rig.clock.now() > options.startBy) return 'late';
      return deliver(connectionId, sent);
    };

    const report = await rig.fanOut.toRoom('queued', event);

    expect(report.delivered).toBe(report.recipients);
    expect(report.recipients).toBeLessThan(40);
    expect(report.handedOff).toBe(40 - report.recipients);
    await rig.drain();
    expect(receivedOnce(rig, ids)).toEqual([]);
  });
});

describe('a job naming its recipients', () => {
  const body = (connectionIds: unknown) =>
    JSON.stringify({ shard: { kind: 'connections', connectionIds }, event });

  it('reads back what a sender wrote', () => {
    expect(parseFanOutJob(body(['a', 'b'])).shard).toEqual({
      kind: 'connections',
      connectionIds: ['a', 'b'],
    });
  });

  it.each([
    ['an empty list', []],
    ['a list longer than the maximum', Array.from({ length: MAX_LISTED_RECIPIENTS + 1 }, (_, i) => `c${i}`)],
    ['a number among the ids', ['a', 7]],
    ['an empty id', ['a', '']],
    ['no list at all', 'a,b'],
  ])('is refused with %s', (_case, connectionIds) => {
    expect(() => parseFanOutJob(body(connectionIds))).toThrow(MalformedJobError);
  });
});
