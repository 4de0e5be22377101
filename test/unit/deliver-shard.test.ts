// Unit: the `fanout` worker's use case. Each job lists one shard, serves at most its share in whole pages,
// chains a follow-up for the rest, and throws (so the queue retries) when its shard cannot be listed.

import { describe, expect, it } from '@jest/globals';
import type { FanOutJob, ServerEvent } from '../../src/domain/index.js';
import type { RecordingNotifier } from '../fakes/recording-notifier.js';
import { DAY, shardedFanOutRig } from '../support/sharded-fan-out-rig.js';

const event: ServerEvent = { type: 'pong', serverTime: 0 };

const PLAN = { membersPerBucket: 50, inlineMax: 100, deliveriesPerJob: 60, pageSize: 25 };

/** A room that never grows: every member stays in bucket 0. */
const ONE_BUCKET = { membersPerBucket: 1_000_000 };

function setup(options: { partitions?: number; membersPerBucket?: number; deliveriesPerJob?: number } = {}) {
  const rig = shardedFanOutRig({
    inlineMax: PLAN.inlineMax,
    membersPerBucket: options.membersPerBucket ?? PLAN.membersPerBucket,
    partitions: options.partitions,
    concurrency: 5,
    pageSize: PLAN.pageSize,
    deliveriesPerJob: options.deliveriesPerJob ?? PLAN.deliveriesPerJob,
  });

  /** Fills a room, letting each growth settle so members end up spread over every bucket. */
  async function room(name: string, size: number): Promise<string[]> {
    const ids = Array.from({ length: size }, (_, i) => `${name}-c${String(i).padStart(4, '0')}`);
    for (const connectionId of ids) await rig.member(name, connectionId);
    return ids;
  }

  return { ...rig, room };
}

function deliveryCounts(notifier: RecordingNotifier, ids: readonly string[]): Map<string, number> {
  return new Map(ids.map((id) => [id, notifier.ofType(id, 'pong').length]));
}

describe('DeliverShard over a whole sharded room', () => {
  it('reaches every member exactly once across buckets, in chained jobs of bounded size', async () => {
    const h = setup();
    const ids = await h.room('big', 500);
    const shape = await h.memberships.roomShape('big');
    const buckets = new Set(ids.map((id) => h.memberships.bucketOf('big', id)));

    const handOff = await h.fanOut.toRoom('big', event);
    const results = await h.drain();

    expect(shape.buckets).toBeGreaterThanOrEqual(8);
    expect(buckets.size).toBe(shape.buckets);
    expect(handOff.queuedJobs).toBe(shape.buckets);
    expect(h.notifier.deliveries).toBe(500);
    expect([...deliveryCounts(h.notifier, ids).values()].every((count) => count === 1)).toBe(true);
    // Buckets of more than deliveriesPerJob members go on in follow-up jobs, each resuming at a cursor.
    const followUps = results.flatMap((result) => (result.followUp === undefined ? [] : [result.followUp]));
    expect(followUps.length).toBeGreaterThan(0);
    expect(results).toHaveLength(shape.buckets + followUps.length);
    expect(followUps.every((job) => typeof job.cursor === 'string')).toBe(true);
    for (const { report } of results) {
      expect(report.recipients).toBeLessThanOrEqual(PLAN.deliveriesPerJob + PLAN.pageSize);
      expect(report.complete).toBe(true);
    }
  });

  it('stops after whole pages once it has listed its share, and enqueues the rest as a follow-up', async () => {
    const h = setup(ONE_BUCKET);
    const ids = await h.room('flat', 200);
    const job: FanOutJob = { shard: { kind: 'room', room: 'flat', bucket: 0 }, event };

    const first = await h.worker.execute(job);

    // 60 to serve in pages of 25: three whole pages.
    expect(first.report.recipients).toBe(75);
    expect(first.followUp).toBeDefined();
    expect(h.queue.pending()).toEqual([first.followUp]);
    expect(first.followUp).toMatchObject({ shard: job.shard, event, cursor: expect.any(String) });

    const rest = await h.drain();
    expect(rest.map(({ report }) => report.recipients)).toEqual([75, 50]);
    expect(rest.at(-1)?.followUp).toBeUndefined();
    expect([...deliveryCounts(h.notifier, ids).values()].every((count) => count === 1)).toBe(true);
    expect(h.notifier.deliveries).toBe(200);
  });

  it('reads no page past its share when the share ends on a page boundary', async () => {
    const h = setup({ ...ONE_BUCKET, deliveriesPerJob: 2 * PLAN.pageSize });
    await h.room('even', 200);

    const first = await h.worker.execute({ shard: { kind: 'room', room: 'even', bucket: 0 }, event });

    expect(first.report.recipients).toBe(2 * PLAN.pageSize);
    expect(first.followUp).toMatchObject({ cursor: expect.any(String) });
  });

  it('skips the excepted connection in every bucket', async () => {
    const h = setup();
    const ids = await h.room('big', 150);
    const sender = ids[42] as string;

    await h.fanOut.toRoom('big', event, { except: sender });
    expect(h.queue.pending().every((job) => job.shard.kind === 'room' && job.shard.except === sender)).toBe(
      true,
    );
    await h.drain();

    expect(h.notifier.eventsOf(sender)).toEqual([]);
    expect(h.notifier.recipientsOf('pong')).toHaveLength(149);
  });

  it('purges a gone recipient and still serves the others', async () => {
    const h = setup();
    const ids = await h.room('big', 150);
    const [stale, also] = [ids[7] as string, ids[99] as string];
    await h.memberships.add({
      room: 'other',
      connectionId: stale,
      userId: `user-${stale}`,
      displayName: 'x',
      joinedAt: h.clock.now(),
      expiresAt: h.clock.now() + DAY,
    });
    h.notifier.gone.add(stale);
    h.notifier.failing.add(also);

    await h.fanOut.toRoom('big', event);
    const results = await h.drain();

    const total = results.reduce(
      (sum, { report }) => ({
        delivered: sum.delivered + report.delivered,
        gone: sum.gone + report.gone,
        failed: sum.failed + report.failed,
      }),
      { delivered: 0, gone: 0, failed: 0 },
    );
    expect(total).toEqual({ delivered: 148, gone: 1, failed: 1 });
    expect(await h.connections.find(stale)).toBeUndefined();
    expect(await h.memberships.roomsOf(stale)).toEqual([]);
    // A delivery that failed for another reason keeps its recipient.
    expect(await h.connections.find(also)).toBeDefined();
    expect(await h.memberships.isMember('big', also)).toBe(true);
  });
});

describe('DeliverShard when an invocation fails', () => {
  it('throws when listing fails mid-way; the retried job then reaches everyone, repeats allowed', async () => {
    const h = setup(ONE_BUCKET);
    const ids = await h.room('flat', 40);
    const job: FanOutJob = { shard: { kind: 'room', room: 'flat', bucket: 0 }, event };
    const page = h.memberships.membersPage.bind(h.memberships);
    let calls = 0;
    h.memberships.membersPage = async (room, options) => {
      calls += 1;
      if (calls === 2) throw new Error('throttled');
      return page(room, options);
    };

    await expect(h.worker.execute(job)).rejects.toThrow('could not list shard room:flat#0');
    expect(h.queue.pending()).toEqual([]);
    expect(h.notifier.deliveries).toBe(PLAN.pageSize);

    await h.worker.execute(job);
    const counts = deliveryCounts(h.notifier, ids);
    expect([...counts.values()].every((count) => count >= 1)).toBe(true);
    expect([...counts.values()].filter((count) => count === 2)).toHaveLength(PLAN.pageSize);
  });

  it('throws when the follow-up cannot be enqueued; the retried job then chains and reaches everyone', async () => {
    const h = setup(ONE_BUCKET);
    const ids = await h.room('flat', 200);
    const job: FanOutJob = { shard: { kind: 'room', room: 'flat', bucket: 0 }, event };
    h.queue.failNext();

    await expect(h.worker.execute(job)).rejects.toThrow('fan-out queue unavailable');
    expect(h.queue.pending()).toEqual([]);

    await h.worker.execute(job);
    await h.drain();
    const counts = [...deliveryCounts(h.notifier, ids).values()];
    expect(counts.every((count) => count >= 1)).toBe(true);
    expect(counts.filter((count) => count === 2)).toHaveLength(75);
  });

  it('counts recipients whose delivery throws and keeps them; a rerun of the job reaches them', async () => {
    const h = setup(ONE_BUCKET);
    const ids = await h.room('small', 10);
    const job: FanOutJob = { shard: { kind: 'room', room: 'small', bucket: 0 }, event };
    const unlucky = ids.slice(0, 3);
    for (const id of unlucky) h.notifier.failing.add(id);

    const first = await h.worker.execute(job);
    expect(first.report).toMatchObject({ failed: 3, delivered: 7, complete: true });

    h.notifier.failing.clear();
    await h.worker.execute(job);
    for (const id of unlucky) expect(h.notifier.ofType(id, 'pong')).toHaveLength(1);
    for (const id of ids.slice(3)) expect(h.notifier.ofType(id, 'pong')).toHaveLength(2);
  });
});

describe('DeliverShard for a broadcast partition', () => {
  it('lists only its partition; the partitions together reach every connection once', async () => {
    const h = setup({ partitions: 3 });
    const ids = Array.from({ length: 90 }, (_, i) => `conn-${i}`);
    for (const id of ids) await h.connection(id);

    const reached: string[][] = [];
    for (let partition = 0; partition < 3; partition += 1) {
      h.notifier.clear();
      await h.worker.execute({ shard: { kind: 'everyone', partition }, event });
      await h.drain();
      reached.push(h.notifier.recipientsOf('pong'));
    }

    expect(reached.every((part) => part.length > 0 && part.length < 90)).toBe(true);
    expect(reached.flat().sort()).toEqual(ids.slice().sort());
  });
});
