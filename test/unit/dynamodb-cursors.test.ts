// Unit: the DynamoDB adapters' cursor codecs and room-bucket helpers (pure functions, no table), fed the
// cursors a client could forge.

import { describe, expect, it } from '@jest/globals';
import {
  checkPartition,
  decodeCursor,
  decodePosition,
  encodeCursor,
  encodePosition,
  queryWithLookAhead,
} from '../../src/adapters/dynamodb/cursor.js';
import {
  bucketOfRef,
  decodeBucketCursor,
  decodeWalkCursor,
  encodeWalkCursor,
  toShape,
} from '../../src/adapters/dynamodb/room-buckets.js';
import { MAX_BUCKETS } from '../../src/domain/index.js';

/** A cursor as a client could hand it back: any JSON, base64url-encoded like the real ones. */
const forged = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('encodeCursor and decodeCursor', () => {
  it('encode no key as no cursor, and round-trip a key of string parts', () => {
    const key = { pk: 'ROOM#lobby', sk: 'MEMBER#ada#c1' };
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('refuse a cursor that is not JSON', () => {
    expect(() => decodeCursor('not a cursor at all')).toThrow(new RangeError('malformed cursor'));
  });

  it.each([
    ['a number', 5],
    ['a string', 'ROOM#lobby'],
    ['null', null],
    ['an array', ['ROOM#lobby']],
    ['a key with a number part', { pk: 'ROOM#lobby', seq: 7 }],
    ['a key with an object part', { pk: { S: 'ROOM#lobby' } }],
  ])('refuse %s, which could smuggle other values into a Query', (_label, value) => {
    expect(() => decodeCursor(forged(value))).toThrow(new RangeError('malformed cursor'));
  });
});

describe('decodePosition', () => {
  it('starts at the given partition without a cursor, and round-trips a partition with or without a key', () => {
    expect(decodePosition(undefined, 16, 3)).toEqual({ partition: 3 });
    expect(decodePosition(encodePosition({ partition: 15 }), 16)).toEqual({ partition: 15 });
    const key = { gsi2pk: 'CONNS#0', gsi2sk: 'c1' };
    expect(decodePosition(encodePosition({ partition: 0, key }), 16)).toEqual({ partition: 0, key });
  });

  it.each([
    ['a partition past the last', '16'],
    ['a negative partition', '-1'],
    ['a fractional partition', '1.5'],
    ['a partition that is not a number', 'first'],
  ])('refuses %s', (_label, partition) => {
    expect(() => decodePosition(forged({ partition }), 16)).toThrow(new RangeError('malformed cursor'));
  });

  it('refuses a cursor without a partition', () => {
    expect(() => decodePosition(forged({ pk: 'CONN#c1' }), 16)).toThrow(new RangeError('malformed cursor'));
  });
});

describe('checkPartition', () => {
  it('accepts no partition and every partition from 0 to the last', () => {
    expect(() => checkPartition(undefined, 16, 'partition')).not.toThrow();
    expect(() => checkPartition(0, 16, 'partition')).not.toThrow();
    expect(() => checkPartition(15, 16, 'partition')).not.toThrow();
  });

  it.each([16, -1, 0.5])('refuses %p, naming what it is and the range allowed', (partition) => {
    expect(() => checkPartition(partition, 16, 'shard')).toThrow(new RangeError('shard must be 0 to 15'));
  });
});

describe('the cursor of a walk over every bucket', () => {
  it('round-trips the bucket, the key within it and the bucket count the walk started with', () => {
    const key = { pk: 'ROOM#lobby#2', sk: 'MEMBER#ada#c1' };
    expect(decodeWalkCursor(undefined)).toBeUndefined();
    expect(decodeWalkCursor(encodeWalkCursor({ partition: 2, key }, 4))).toEqual({
      partition: 2,
      key,
      of: 4,
    });
    expect(decodeWalkCursor(encodeWalkCursor({ partition: 3 }, 4))).toEqual({ partition: 3, of: 4 });
    // The largest count a room can reach, and its last bucket.
    expect(decodeWalkCursor(encodeWalkCursor({ partition: MAX_BUCKETS - 1 }, MAX_BUCKETS))).toEqual({
      partition: MAX_BUCKETS - 1,
      of: MAX_BUCKETS,
    });
  });

  it.each([
    ['no bucket count', { partition: '0' }],
    ['a fractional bucket count', { partition: '0', of: '1.5' }],
    ['a bucket count of 0', { partition: '0', of: '0' }],
    ['a bucket count above the most a room can have', { partition: '0', of: String(MAX_BUCKETS + 1) }],
    ['a bucket past the count', { partition: '2', of: '2' }],
  ])('refuses %s', (_label, value) => {
    expect(() => decodeWalkCursor(forged(value))).toThrow(new RangeError('malformed cursor'));
  });
});

describe('the cursor of a walk over one bucket', () => {
  it('starts at the bucket asked for, and continues a cursor of that bucket', () => {
    const key = { pk: 'ROOM#lobby#5', sk: 'MEMBER#ada#c1' };
    expect(decodeBucketCursor(undefined, 5)).toEqual({ partition: 5 });
    expect(decodeBucketCursor(encodePosition({ partition: 5, key }), 5)).toEqual({ partition: 5, key });
  });

  it('refuses a cursor of another bucket', () => {
    const key = { pk: 'ROOM#lobby#5', sk: 'MEMBER#ada#c1' };
    expect(() => decodeBucketCursor(encodePosition({ partition: 5, key }), 6)).toThrow(
      new RangeError('malformed cursor'),
    );
  });
});

describe('bucketOfRef', () => {
  it('reads the bucket a membership reference names, and bucket 0 for one written before buckets existed', () => {
    expect(bucketOfRef({ room: 'lobby', bucket: 3 })).toBe(3);
    expect(bucketOfRef({ room: 'lobby' })).toBe(0);
  });
});

describe('toShape', () => {
  it('reads a room that never grew as one bucket with no growth, and a growth only when both its fields are there', () => {
    expect(toShape({})).toEqual({ buckets: 1, approximateMembers: 0 });
    expect(toShape({ buckets: 4, members: 900 })).toEqual({ buckets: 4, approximateMembers: 900 });
    expect(toShape({ buckets: 4, members: 900, grownFrom: 2 })).not.toHaveProperty('growth');
    expect(toShape({ buckets: 4, members: 900, grownAt: 5 })).not.toHaveProperty('growth');
    expect(toShape({ buckets: 4, members: -3, grownFrom: 2, grownAt: 5 })).toEqual({
      buckets: 4,
      approximateMembers: 0,
      growth: { from: 2, at: 5 },
    });
  });
});

describe('queryWithLookAhead', () => {
  it('asks for one item more than the page, and one more again only when a leading item may head the range', async () => {
    const asked: number[] = [];
    const run = async (limit: number) => {
      asked.push(limit);
      return { Items: [{ pk: 'p', sk: 'a' }] };
    };
    const options = { limit: 5, keyAttributes: ['pk', 'sk'], keep: () => true };
    await queryWithLookAhead(run, options);
    await queryWithLookAhead(run, { ...options, leading: (item) => item['sk'] === 'head' });
    expect(asked).toEqual([6, 7]);
  });
});
