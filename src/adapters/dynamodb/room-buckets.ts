// Driven adapter support: how a bucketed room is read from the table: its shape item, the bucket a
// membership reference names, and the cursors of a walk over every bucket or over one.

import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { MAX_BUCKETS, type RoomShape } from '../../domain/index.js';
import { decodePosition, encodePosition, type PartitionedPosition } from './cursor.js';

type Item = Record<string, NativeAttributeValue>;

export function toShape(item: Item): RoomShape {
  const buckets = typeof item['buckets'] === 'number' ? item['buckets'] : 1;
  const approximateMembers = Math.max(0, typeof item['members'] === 'number' ? item['members'] : 0);
  const from = item['grownFrom'];
  const at = item['grownAt'];
  return typeof from === 'number' && typeof at === 'number'
    ? { buckets, approximateMembers, growth: { from, at } }
    : { buckets, approximateMembers };
}

export function bucketOfRef(ref: Item): number {
  return typeof ref['bucket'] === 'number' ? ref['bucket'] : 0;
}

/** A walk over every bucket carries the bucket count it started with, as `of`. */
export function encodeWalkCursor(position: PartitionedPosition, buckets: number): string {
  return encodePosition({ ...position, key: { ...(position.key ?? {}), of: String(buckets) } });
}

export function decodeWalkCursor(
  cursor: string | undefined,
): (PartitionedPosition & { of: number }) | undefined {
  if (cursor === undefined) return undefined;
  const position = decodePosition(cursor, MAX_BUCKETS);
  const { of, ...key } = position.key ?? {};
  const buckets = Number(of);
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS || position.partition >= buckets) {
    throw new RangeError('malformed cursor');
  }
  return Object.keys(key).length === 0
    ? { partition: position.partition, of: buckets }
    : { partition: position.partition, key, of: buckets };
}

export function decodeBucketCursor(cursor: string | undefined, bucket: number): PartitionedPosition {
  const position = decodePosition(cursor, MAX_BUCKETS, bucket);
  if (position.partition !== bucket) throw new RangeError('malformed cursor');
  return position;
}
