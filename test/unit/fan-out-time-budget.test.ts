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
import { listedJobs } from '../../src/domain/fan-out/fan-out-job.js';
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
    expect(
      rig.logger
        .withMessage('fan-out overran its time: the rest went to workers')
        .map((entry) => entry.fields),
    ).toEqual([{ target: 'room:busy', handedOff: report.handedOff }]);

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

  it('counts what it served before and after a failed hand-off together, and times the whole run', async () => {
    const rig = shardedFanOutRig({
      inlineMax: 100,
      membersPerBucket: 1_000,
      concurrency: 1,
      inlineBudgetMs: 50,
    });
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    for (const id of ids) await rig.connection(id);
    // One worker at 10 ms a delivery: c0 to c4 fit in the 50 ms, c5 to c9 are left for the hand-off.
    rig.notifier.gone.add('c1');
    rig.notifier.gone.add('c6');
    rig.notifier.failing.add('c2');
    rig.notifier.failing.add('c7');
    rig.notifier.failing.add('c8');
    slowDeliveries(rig, 10);
    rig.queue.failAlways();
    const offered: string[][] = [];
    const enqueue = rig.queue.enqueue.bind(rig.queue);
    rig.queue.enqueue = async (jobs) => {
      for (const job of jobs)
        if (job.shard.kind === 'connections') offered.push([...job.shard.connectionIds]);
      return enqueue(jobs);
    };

    const report = await rig.fanOut.toConnections(ids, event);

    expect(offered).toEqual([['c5', 'c6', 'c7', 'c8', 'c9']]);

    expect(report).toEqual({
      target: 'connections',
      recipients: 10,
      delivered: 5,
      gone: 2,
      failed: 3,
      durationMs: 100,
      complete: true,
    });
    const [failure, ...others] = rig.logger.withMessage(
      'fan-out overran its time and could not hand off the rest',
    );
    expect(others).toEqual([]);
    expect(failure?.fields).toEqual({ target: 'connections', error: expect.any(Error) });
    expect((failure?.fields['error'] as Error).message).toBe('fan-out queue unavailable');
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

  it('is written only for recipients there are: none for none, one for exactly the maximum', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    expect(listedJobs([], event)).toEqual([]);
    expect(listedJobs(ids(MAX_LISTED_RECIPIENTS), event)).toHaveLength(1);
    const jobs = listedJobs(ids(2 * MAX_LISTED_RECIPIENTS), event);
    // Every job written reads back: none is an empty list, which the parser refuses.
    expect(jobs.map((job) => parseFanOutJob(JSON.stringify(job)).shard)).toHaveLength(2);
  });

  const tooMany = Array.from({ length: MAX_LISTED_RECIPIENTS + 1 }, (_, i) => `c${i}`);
  const notAList = `connectionIds is not a list of 1 to ${MAX_LISTED_RECIPIENTS}`;

  it.each([
    ['an empty list', [], notAList],
    ['a list longer than the maximum', tooMany, notAList],
    ['no list at all', 'a,b', notAList],
    ['a number among the ids', ['a', 7], 'a connection id is not a string'],
    ['an empty id', ['a', ''], 'a connection id is not a string'],
  ])('is refused with %s, saying what is wrong', (_case, connectionIds, reason) => {
    expect(() => parseFanOutJob(body(connectionIds))).toThrow(MalformedJobError);
    expect(() => parseFanOutJob(body(connectionIds))).toThrow(new RegExp(`^${reason}$`));
  });
});
