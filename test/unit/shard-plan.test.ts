// Unit: the shard plan's rules (bucket of a user, the doubling chain, sampled counting, growth and its
// grace), and how a fan-out job is read back from its queue body.

import { describe, expect, it } from '@jest/globals';
import {
  bucketOf,
  bucketsForWriting,
  bucketsOfUser,
  directConversation,
  grownBuckets,
  growthGraceMs,
  isCountedConnection,
  isReactionSummaryJob,
  MalformedJobError,
  MAX_BUCKETS,
  MEMBER_COUNT_SAMPLE,
  parseFanOutJob,
  parseWorkerJob,
  roomConversation,
  shardLabel,
  stableHash,
  type FanOutJob,
  type ReactionSummaryJob,
  type RoomShape,
} from '../../src/domain/index.js';

const users = Array.from({ length: 500 }, (_, i) => `user-${i}`);
const counts = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

describe('stableHash', () => {
  it('is FNV-1a over 32 bits: known values, and the same on every call', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(stableHash('foobar')).toBe(0xbf9cf968);
    expect(stableHash('user-1')).toBe(stableHash('user-1'));
  });
});

describe('bucketOf', () => {
  it('is always a bucket of the room, 0 to buckets - 1', () => {
    for (const count of counts) {
      for (const user of users) {
        const bucket = bucketOf(user, count);
        expect(Number.isInteger(bucket)).toBe(true);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(count);
      }
    }
  });

  it('spreads users over every bucket', () => {
    const used = new Set(users.map((user) => bucketOf(user, 16)));
    expect(used.size).toBe(16);
  });
});

describe('bucketsOfUser', () => {
  it("holds the user's bucket under every count the room may have had", () => {
    for (const buckets of counts) {
      for (const user of users) {
        const held = bucketsOfUser(user, buckets);
        for (let earlier = 1; earlier <= buckets; earlier *= 2) {
          expect(held).toContain(bucketOf(user, earlier));
        }
        // One per doubling at most, each a bucket readers list, sorted and without repeats.
        expect(held.length).toBeLessThanOrEqual(Math.log2(buckets) + 1);
        expect(held.every((bucket) => bucket >= 0 && bucket < buckets)).toBe(true);
        expect(held).toEqual([...new Set(held)].sort((a, b) => a - b));
      }
    }
  });

  it('is bucket 0 alone for a room of one bucket', () => {
    expect(bucketsOfUser('anyone', 1)).toEqual([0]);
  });
});

describe('isCountedConnection', () => {
  it('counts about one connection in MEMBER_COUNT_SAMPLE, the same one every time', () => {
    const ids = Array.from({ length: 8_000 }, (_, i) => `conn-${i}`);
    const counted = ids.filter(isCountedConnection);
    const expected = ids.length / MEMBER_COUNT_SAMPLE;
    expect(counted.length).toBeGreaterThan(expected * 0.8);
    expect(counted.length).toBeLessThan(expected * 1.2);
    expect(ids.filter(isCountedConnection)).toEqual(counted);
  });
});

describe('grownBuckets', () => {
  const shape = (buckets: number, approximateMembers: number): RoomShape => ({ buckets, approximateMembers });

  it('keeps the count while each bucket holds at most membersPerBucket', () => {
    expect(grownBuckets(shape(1, 0), 50)).toBe(1);
    expect(grownBuckets(shape(1, 50), 50)).toBe(1);
    expect(grownBuckets(shape(4, 200), 50)).toBe(4);
  });

  it('doubles, as often as needed, once the members outgrow the buckets', () => {
    expect(grownBuckets(shape(1, 51), 50)).toBe(2);
    expect(grownBuckets(shape(1, 101), 50)).toBe(4);
    expect(grownBuckets(shape(2, 500), 50)).toBe(16);
    expect(grownBuckets(shape(1, 1_000_000), 1_000)).toBe(1024);
  });

  it('never shrinks, however few members remain', () => {
    expect(grownBuckets(shape(8, 0), 50)).toBe(8);
    expect(grownBuckets(shape(64, 10), 1)).toBe(64);
  });

  it('stops at MAX_BUCKETS', () => {
    expect(grownBuckets(shape(1, Number.MAX_SAFE_INTEGER), 1)).toBe(MAX_BUCKETS);
    expect(grownBuckets(shape(MAX_BUCKETS, Number.MAX_SAFE_INTEGER), 1)).toBe(MAX_BUCKETS);
  });

  it('always gives a power of two, so earlier counts divide it', () => {
    for (let members = 0; members < 5_000; members += 37) {
      const buckets = grownBuckets(shape(1, members), 7);
      expect(Number.isInteger(Math.log2(buckets))).toBe(true);
    }
  });
});

describe('growth grace', () => {
  it('outlasts two stale reads of a cached shape', () => {
    expect(growthGraceMs(5_000)).toBeGreaterThan(2 * 5_000);
    expect(growthGraceMs(0)).toBeGreaterThan(0);
  });

  it('writes under the old count until the grace has passed, then under the new one', () => {
    const grace = growthGraceMs(1_000);
    const grown: RoomShape = { buckets: 8, approximateMembers: 500, growth: { from: 4, at: 10_000 } };
    expect(bucketsForWriting(grown, 10_000, grace)).toBe(4);
    expect(bucketsForWriting(grown, 10_000 + grace - 1, grace)).toBe(4);
    expect(bucketsForWriting(grown, 10_000 + grace, grace)).toBe(8);
    expect(bucketsForWriting(grown, 10_000 + grace + 60_000, grace)).toBe(8);
  });

  it('writes under the count itself when the room never grew', () => {
    expect(bucketsForWriting({ buckets: 1, approximateMembers: 3 }, 0, 1_000)).toBe(1);
    expect(bucketsForWriting({ buckets: 4, approximateMembers: 3 }, 0, 1_000)).toBe(4);
  });
});

/** What reading the body threw: a test fails if it was read without complaint. */
function refusalOf(read: () => unknown): Error {
  try {
    read();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('the body was read without complaint');
}

describe('parseFanOutJob', () => {
  const event = { type: 'pong', serverTime: 1 } as const;
  const roomJob: FanOutJob = { shard: { kind: 'room', room: 'big', bucket: 3, except: 'c-sender' }, event };
  const everyoneJob: FanOutJob = { shard: { kind: 'everyone', partition: 2 }, event, cursor: 'abc' };

  it('reads back the jobs senders write, adding no field they left out', () => {
    expect(parseFanOutJob(JSON.stringify(roomJob))).toStrictEqual(roomJob);
    expect(parseFanOutJob(JSON.stringify(everyoneJob))).toStrictEqual(everyoneJob);
    const plain: FanOutJob = { shard: { kind: 'room', room: 'big', bucket: 0 }, event };
    const read = parseFanOutJob(JSON.stringify(plain));
    expect(read).toStrictEqual(plain);
    // A job without a cursor starts its shard at the beginning: it gains no `cursor` key on the way.
    expect(Object.keys(read)).toEqual(['shard', 'event']);
    expect(Object.keys(read.shard)).toEqual(['kind', 'room', 'bucket']);
  });

  it.each([
    ['not JSON', '{"shard":', 'job body is not JSON'],
    ['not an object', '[1,2]', 'job is not an object'],
    ['null', 'null', 'job is not an object'],
    ['no shard', JSON.stringify({ event }), 'job has no shard'],
    ['no event', JSON.stringify({ shard: roomJob.shard }), 'job has no event'],
    [
      'an event without a type',
      JSON.stringify({ shard: roomJob.shard, event: { seq: 1 } }),
      'job has no event',
    ],
    ['a cursor that is not a string', JSON.stringify({ ...roomJob, cursor: 5 }), 'cursor is not a string'],
    [
      'an unknown shard kind',
      JSON.stringify({ shard: { kind: 'planet', partition: 1 }, event }),
      'unknown shard kind',
    ],
    [
      'a shard without a kind',
      JSON.stringify({ shard: { room: 'big', bucket: 0 }, event }),
      'unknown shard kind',
    ],
    [
      'an invalid room',
      JSON.stringify({ shard: { kind: 'room', room: '../x', bucket: 0 }, event }),
      'invalid room',
    ],
    [
      'a room that is not a string',
      JSON.stringify({ shard: { kind: 'room', room: 7, bucket: 0 }, event }),
      'invalid room',
    ],
    [
      'a negative bucket',
      JSON.stringify({ shard: { kind: 'room', room: 'big', bucket: -1 }, event }),
      'bucket is not a whole number',
    ],
    [
      'a fractional bucket',
      JSON.stringify({ shard: { kind: 'room', room: 'big', bucket: 1.5 }, event }),
      'bucket is not a whole number',
    ],
    [
      'a bucket as text',
      JSON.stringify({ shard: { kind: 'room', room: 'big', bucket: '1' }, event }),
      'bucket is not a whole number',
    ],
    [
      'an except that is not a string',
      JSON.stringify({ shard: { kind: 'room', room: 'big', bucket: 0, except: 1 }, event }),
      'except is not a string',
    ],
    [
      'a missing partition',
      JSON.stringify({ shard: { kind: 'everyone' }, event }),
      'partition is not a whole number',
    ],
    [
      'a partition as text',
      JSON.stringify({ shard: { kind: 'everyone', partition: '2' }, event }),
      'partition is not a whole number',
    ],
  ])('refuses a body with %s, saying what is wrong', (_what, body, reason) => {
    const refusal = refusalOf(() => parseFanOutJob(body));
    expect(refusal).toBeInstanceOf(MalformedJobError);
    expect(refusal.message).toBe(reason);
  });

  it("names its refusals MalformedJobError, the error type the worker's logs show", () => {
    expect(refusalOf(() => parseFanOutJob('null')).name).toBe('MalformedJobError');
  });
});

describe('parseWorkerJob: reaction summary jobs', () => {
  const inRoom: ReactionSummaryJob = { reactionSummary: { conversation: roomConversation('big'), seq: 4 } };
  const direct: ReactionSummaryJob = {
    reactionSummary: { conversation: directConversation('zoe', 'ada'), seq: 1 },
  };
  const summary = (target: Record<string, unknown>) => JSON.stringify({ reactionSummary: target });

  it('reads back the summary jobs senders write, and tells them from shard jobs', () => {
    expect(parseWorkerJob(JSON.stringify(inRoom))).toEqual(inRoom);
    const read = parseWorkerJob(JSON.stringify(direct));
    expect(read).toEqual(direct);
    expect(isReactionSummaryJob(read)).toBe(true);
    const shardJob = parseWorkerJob(
      JSON.stringify({ shard: { kind: 'everyone', partition: 0 }, event: { type: 'pong', serverTime: 1 } }),
    );
    expect(isReactionSummaryJob(shardJob)).toBe(false);
    // The shard jobs' reader refuses a summary job rather than treating it as a shard.
    expect(() => parseFanOutJob(JSON.stringify(inRoom))).toThrow('job is not a fan-out job');
  });

  it("puts a direct conversation's users in order, as the sender does", () => {
    const job = parseWorkerJob(summary({ conversation: { kind: 'direct', users: ['zoe', 'ada'] }, seq: 2 }));
    expect(job).toEqual({
      reactionSummary: { conversation: { kind: 'direct', users: ['ada', 'zoe'] }, seq: 2 },
    });
  });

  it.each([
    [
      'a target that is not an object',
      JSON.stringify({ reactionSummary: 5 }),
      'reactionSummary is not an object',
    ],
    ['no conversation', summary({ seq: 1 }), 'job has no conversation'],
    [
      'seq 0',
      summary({ conversation: { kind: 'room', room: 'big' }, seq: 0 }),
      'seq is not a positive whole number',
    ],
    ['a fractional seq', summary({ conversation: { kind: 'room', room: 'big' }, seq: 1.5 }), 'seq is not'],
    ['an invalid room', summary({ conversation: { kind: 'room', room: '#x' }, seq: 1 }), 'invalid room'],
    [
      'a room that is not a string',
      summary({ conversation: { kind: 'room', room: 1 }, seq: 1 }),
      'invalid room',
    ],
    [
      'an unknown kind',
      summary({ conversation: { kind: 'group', users: ['a', 'b'] }, seq: 1 }),
      'unknown conversation kind',
    ],
    [
      'one user',
      summary({ conversation: { kind: 'direct', users: ['a'] }, seq: 1 }),
      'unknown conversation kind',
    ],
    [
      'users that are not a list',
      summary({ conversation: { kind: 'direct', users: 'ab' }, seq: 1 }),
      'unknown conversation kind',
    ],
    [
      'an invalid user',
      summary({ conversation: { kind: 'direct', users: ['a', 'b#c'] }, seq: 1 }),
      'invalid user id',
    ],
    [
      'an invalid first user',
      summary({ conversation: { kind: 'direct', users: [7, 'b'] }, seq: 1 }),
      'invalid user id',
    ],
  ])('refuses a summary job with %s', (_what, body, reason) => {
    expect(() => parseWorkerJob(body)).toThrow(new RegExp(reason));
  });
});

describe('shardLabel', () => {
  it('names room buckets, registry partitions and listed recipients for logs', () => {
    expect(shardLabel({ kind: 'room', room: 'big', bucket: 3 })).toBe('room:big#3');
    expect(shardLabel({ kind: 'everyone', partition: 11 })).toBe('everyone#11');
    expect(shardLabel({ kind: 'connections', connectionIds: ['a', 'b', 'c'] })).toBe('connections(3)');
  });
});
