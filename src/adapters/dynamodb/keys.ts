// Driven adapter support: how each record of the single table is keyed (see docs/data-model.md).
// `#` separates key parts; room names and user ids cannot contain it, so keys never collide.

import { stableHash, type ConnectionId, type RoomName, type UserId } from '../../domain/index.js';

export const keys = {
  connection: (connectionId: ConnectionId) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),
  /** The connection's entry in the user index: "connections of a user". */
  userIndex: (userId: UserId, connectionId: ConnectionId) => ({
    gsi1pk: `USER#${userId}`,
    gsi1sk: `CONN#${connectionId}`,
  }),
  userIndexPartition: (userId: UserId) => `USER#${userId}`,
  /** The connection's entry in the sharded all-connections index. */
  allConnectionsIndex: (connectionId: ConnectionId) => ({
    gsi2pk: `CONNS#${connectionShard(connectionId)}`,
    gsi2sk: connectionId,
  }),
  allConnectionsPartition: (shard: number) => `CONNS#${shard}`,

  /**
   * A member of a room, in one of the room's buckets, sorted by user then connection: "members of a room"
   * and "a user's tabs in a room". Bucket 0 is the room's original partition, so rooms from before
   * buckets existed are read as they are.
   */
  member: (room: RoomName, userId: UserId, connectionId: ConnectionId, bucket = 0) => ({
    pk: roomBucketPartition(room, bucket),
    sk: `MEMBER#${userId}#${connectionId}`,
  }),
  roomPartition: (room: RoomName, bucket = 0) => roomBucketPartition(room, bucket),
  /**
   * How the room's members are spread (bucket count, sampled member count). It sorts just before the
   * members of bucket 0 (`!` < `#`), so the first page of a room brings its shape at no extra request.
   */
  roomShape: (room: RoomName) => ({ pk: roomBucketPartition(room, 0), sk: 'MEMBER!' }),
  /** Covers the members and, in bucket 0, the shape item. */
  memberRangePrefix: 'MEMBER',
  /** The room's occupancy counters; `OCCUPANCY` sorts after every `MEMBER` key, so no member page meets it. */
  occupancy: (room: RoomName) => ({ pk: roomBucketPartition(room, 0), sk: 'OCCUPANCY' }),
  /** A user's ban from a room; `BAN#` sorts before every `MEMBER` key, so no member page meets it. */
  ban: (room: RoomName, userId: UserId) => ({ pk: roomBucketPartition(room, 0), sk: `BAN#${userId}` }),
  memberPrefix: 'MEMBER#',
  memberOfUserPrefix: (userId: UserId) => `MEMBER#${userId}#`,

  /** The same membership seen from the connection: "rooms of a connection". */
  membershipRef: (connectionId: ConnectionId, room: RoomName) => ({
    pk: `CONN#${connectionId}`,
    sk: `ROOM#${room}`,
  }),
  connectionPartition: (connectionId: ConnectionId) => `CONN#${connectionId}`,
  /** The connection's rate-limit state. */
  rate: (connectionId: ConnectionId) => ({ pk: `CONN#${connectionId}`, sk: 'RATE' }),
  /**
   * The user's rate-limit state, shared by all their connections. `USER#` is otherwise only a value of
   * the user index (gsi1pk), never a table partition, so it meets no other item.
   */
  userRate: (userId: UserId) => ({ pk: `USER#${userId}`, sk: 'RATE' }),
  /** The status the user last set (available, away, busy, a text), shared by all their connections. */
  userStatus: (userId: UserId) => ({ pk: `USER#${userId}`, sk: 'STATUS' }),
  /** How far the user has read one conversation; `READ#` items of a user list what they follow. */
  readMarker: (userId: UserId, conversationKey: string) => ({
    pk: `USER#${userId}`,
    sk: `READ#${conversationKey}`,
  }),
  readMarkerPrefix: 'READ#',
  userPartition: (userId: UserId) => `USER#${userId}`,
  membershipRefPrefix: 'ROOM#',

  conversationPartition: (conversationKey: string) => `CONV#${conversationKey}`,
  /** Zero-padded so the sort key orders like the number. */
  message: (conversationKey: string, seq: number) => ({
    pk: `CONV#${conversationKey}`,
    sk: `MSG#${String(seq).padStart(16, '0')}`,
  }),
  messageSortKey: (seq: number) => `MSG#${String(seq).padStart(16, '0')}`,
  messagePrefix: 'MSG#',
  counter: (conversationKey: string) => ({ pk: `CONV#${conversationKey}`, sk: 'COUNTER' }),
  /**
   * One user's reaction to one message, sorted by user, then message, then reaction: "this user's
   * reactions to a page of messages" is one range. The reaction comes last, so whatever it holds
   * cannot reach into another key.
   */
  reaction: (conversationKey: string, userId: UserId, seq: number, reaction: string) => ({
    pk: `CONV#${conversationKey}`,
    sk: `${reactionsOfUserPrefix(userId)}${String(seq).padStart(16, '0')}#${reaction}`,
  }),
  /** The range of a user's reactions to messages `from` to `to`: `$` sorts just after the `#` that ends a seq. */
  reactionRange: (userId: UserId, from: number, to: number) => ({
    lower: `${reactionsOfUserPrefix(userId)}${String(from).padStart(16, '0')}#`,
    upper: `${reactionsOfUserPrefix(userId)}${String(to).padStart(16, '0')}$`,
  }),
  idempotency: (conversationKey: string, userId: UserId, clientMsgId: string) => ({
    pk: `CONV#${conversationKey}`,
    sk: `IDEMP#${userId}#${clientMsgId}`,
  }),
} as const;

/**
 * Connections are spread over this many index partitions: one partition takes about 1,000 writes a
 * second, and every connect and disconnect writes the index.
 */
export const CONNECTION_SHARDS = 16;

/** A stable shard for a connection id. */
export function connectionShard(connectionId: ConnectionId): number {
  return stableHash(connectionId) % CONNECTION_SHARDS;
}

function roomBucketPartition(room: RoomName, bucket: number): string {
  return bucket === 0 ? `ROOM#${room}` : `ROOM#${room}#${bucket}`;
}

/** DynamoDB's TTL attribute is in epoch seconds; the domain's expiries are in milliseconds. */
export function ttlSeconds(expiresAtMs: number): number {
  return Math.ceil(expiresAtMs / 1000);
}

function reactionsOfUserPrefix(userId: UserId): string {
  return `REACT#${userId}#`;
}
