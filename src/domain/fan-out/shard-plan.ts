// Domain rules for large rooms: how a room's members are spread over buckets (write sharding), which
// buckets hold a user's connections, and when a room grows more buckets. Adapters store; these decide.

import type { UserId } from '../model/identity.js';

/**
 * What a reader needs to know about a room before listing it: how many buckets its members are spread
 * over, and about how many member connections it has (counted on a sample of joins, so approximate).
 */
export interface RoomShape {
  /** Readers list buckets 0 to `buckets` - 1. */
  readonly buckets: number;
  readonly approximateMembers: number;
  /**
   * Set while a growth settles: writers keep using the old count until `at` + the grace, so that every
   * reader (which may hold a cached or eventually consistent shape for a while) already reads the new
   * buckets before anything is written to them.
   */
  readonly growth?: { readonly from: number; readonly at: number };
}

/** A room nobody has counted yet (every room from before buckets existed) lives in one bucket: bucket 0. */
export const SINGLE_BUCKET_ROOM: RoomShape = Object.freeze({ buckets: 1, approximateMembers: 0 });

/** Joins counted: one connection in this many, by a hash of its id, adds this many to the count. */
export const MEMBER_COUNT_SAMPLE = 8;

/** Bucket counts double, so a user's bucket under any earlier count is one of log2(buckets) + 1. */
export const MAX_BUCKETS = 1024;

/** A stable 32-bit hash (FNV-1a) of a string: the same on every machine and in every runtime. */
export function stableHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The bucket a user's memberships are written to while the room has `buckets` buckets. By user, not by
 * connection, so one Query per bucket finds all of a user's tabs in a room.
 */
export function bucketOf(userId: UserId, buckets: number): number {
  return stableHash(userId) % buckets;
}

/**
 * Every bucket that may hold the user's memberships: the room had 1, 2, 4 ... `buckets` buckets over its
 * life, and each membership went to the user's bucket under the count of its day.
 */
export function bucketsOfUser(userId: UserId, buckets: number): number[] {
  const found = new Set<number>();
  for (let count = 1; count <= buckets; count *= 2) found.add(bucketOf(userId, count));
  return [...found].sort((a, b) => a - b);
}

/** Whether this connection's joins and leaves are the ones counted (the same one in both directions). */
export function isCountedConnection(connectionId: string): boolean {
  return stableHash(`count:${connectionId}`) % MEMBER_COUNT_SAMPLE === 0;
}

/**
 * The bucket count a room should move to once it holds about `approximateMembers`: doubled while each
 * bucket would hold more than `membersPerBucket`. Never fewer than now (readers rely on that: a member
 * written under an older, smaller count is still in one of the buckets they read).
 */
export function grownBuckets(shape: RoomShape, membersPerBucket: number): number {
  let buckets = shape.buckets;
  while (buckets < MAX_BUCKETS && shape.approximateMembers > buckets * membersPerBucket) buckets *= 2;
  return buckets;
}

/** How long writers wait after a growth before using the new buckets: longer than any reader's stale view. */
export function growthGraceMs(shapeCacheMs: number): number {
  return 2 * shapeCacheMs + 1_000;
}

/** The bucket count a new membership is written under, at `now`. */
export function bucketsForWriting(shape: RoomShape, now: number, graceMs: number): number {
  if (shape.growth !== undefined && now < shape.growth.at + graceMs) return shape.growth.from;
  return shape.buckets;
}
