// Driven adapter: RoomMembershipPort on the single DynamoDB table. Each membership is two items, written
// at once: the member (pk ROOM#<room>[#<bucket>], sk MEMBER#<user>#<conn>) for fan-out and presence, and
// its reference (pk CONN#<conn>, sk ROOM#<room>, with the bucket) for disconnect cleanup and membership
// checks. A room's shape item (bucket 0, sk MEMBER!) says how many buckets it has grown.

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import {
  bucketOf,
  bucketsForWriting,
  bucketsOfUser,
  DEFAULT_CHAT_POLICY,
  growthGraceMs,
  grownBuckets,
  isCountedConnection,
  MAX_BUCKETS,
  MEMBER_COUNT_SAMPLE,
  SINGLE_BUCKET_ROOM,
  type ConnectionId,
  type Membership,
  type MembersPage,
  type RoomMembershipPort,
  type RoomName,
  type RoomShape,
  type UserId,
  type UserStatus,
} from '../../domain/index.js';
import { toMembership } from './stored-records.js';
import {
  checkPartition,
  encodePosition,
  nextPosition,
  queryAll,
  queryWithLookAhead,
  type PartitionedPosition,
} from './cursor.js';
import {
  bucketOfRef,
  decodeBucketCursor,
  decodeWalkCursor,
  encodeWalkCursor,
  toShape,
} from './room-buckets.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys, ttlSeconds } from './keys.js';

export interface DynamoDbRoomMembershipConfig extends DynamoDbAdapterConfig {
  /** A room grows more buckets once each would hold more members than this (default: the policy's). */
  readonly membersPerBucket?: number;
  /** How long a room's shape is reused before it is read again (see growthGraceMs). */
  readonly shapeCacheMs?: number;
}

type Item = Record<string, NativeAttributeValue>;

export class DynamoDbRoomMembership implements RoomMembershipPort {
  private readonly shapes = new Map<RoomName, { shape: RoomShape; readAt: number }>();
  private readonly membersPerBucket: number;
  private readonly shapeCacheMs: number;

  constructor(private readonly config: DynamoDbRoomMembershipConfig) {
    this.membersPerBucket = config.membersPerBucket ?? DEFAULT_CHAT_POLICY.membersPerBucket;
    this.shapeCacheMs = config.shapeCacheMs ?? DEFAULT_CHAT_POLICY.roomShapeCacheMs;
  }

  async add(membership: Membership): Promise<void> {
    const shape = await this.cachedShape(membership.room);
    const bucket = bucketOf(
      membership.userId,
      bucketsForWriting(shape, this.config.clock.now(), this.graceMs),
    );
    const counted = isCountedConnection(membership.connectionId);
    // Two plain writes at once rather than a transaction: one round trip either way, and half the write
    // units on the room's partition, which takes every join of a busy room.
    const [reference, member] = await Promise.allSettled([
      // A counted connection's first join must be told from a refresh, so it is counted once.
      this.putReference(membership, bucket, counted ? 'new' : 'new-or-same-bucket'),
      this.putMember(membership, bucket),
    ]);
    if (member.status === 'rejected') throw member.reason;
    if (reference.status === 'fulfilled') {
      if (counted) await this.count(membership.room, MEMBER_COUNT_SAMPLE);
      return;
    }
    if (!isConditionFailure(reference.reason)) throw reference.reason;
    // A refresh: the membership keeps the bucket it was first written to, whatever the count is now.
    const existing = await this.reference(membership.connectionId, membership.room);
    const kept = existing === undefined ? bucket : bucketOfRef(existing);
    if (kept !== bucket) {
      await Promise.all([
        this.putMember(membership, kept),
        this.config.client.send(
          new DeleteCommand({
            TableName: this.config.tableName,
            Key: keys.member(membership.room, membership.userId, membership.connectionId, bucket),
          }),
        ),
      ]);
    }
    await this.putReference(membership, kept, 'any');
  }

  async remove(room: RoomName, connectionId: ConnectionId): Promise<Membership | undefined> {
    // The reference knows the user id and the bucket, which the member's key needs.
    const { Attributes: ref } = await this.config.client.send(
      new DeleteCommand({
        TableName: this.config.tableName,
        Key: keys.membershipRef(connectionId, room),
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (ref === undefined) return undefined;
    const { Attributes: member } = await this.config.client.send(
      new DeleteCommand({
        TableName: this.config.tableName,
        Key: keys.member(room, ref['userId'] as string, connectionId, bucketOfRef(ref)),
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (isCountedConnection(connectionId)) await this.count(room, -MEMBER_COUNT_SAMPLE);
    return member === undefined ? undefined : toMembership(member);
  }

  async setStatus(room: RoomName, connectionId: ConnectionId, status: UserStatus): Promise<boolean> {
    // The reference names the member item (user and bucket); the update only lands on a live member.
    const ref = await this.reference(connectionId, room);
    if (ref === undefined) return false;
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keys.member(room, ref['userId'] as string, connectionId, bucketOfRef(ref)),
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':now': this.config.clock.now() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async isMember(room: RoomName, connectionId: ConnectionId): Promise<boolean> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.membershipRef(connectionId, room),
        ProjectionExpression: 'expiresAt',
        ConsistentRead: true,
      }),
    );
    return Item !== undefined && (Item['expiresAt'] as number) > this.config.clock.now();
  }

  async membersPage(
    room: RoomName,
    options: { cursor?: string; limit: number; bucket?: number },
  ): Promise<MembersPage> {
    const only = options.bucket;
    checkPartition(only, MAX_BUCKETS, 'bucket');
    const walk = only === undefined ? decodeWalkCursor(options.cursor) : undefined;
    const position = walk ?? decodeBucketCursor(options.cursor, only ?? 0);
    const page = await this.bucketPage(room, position, options.limit);
    // A walk over every bucket learns the count from the shape item on its first page, and carries it on.
    const buckets = walk?.of ?? page.shape?.buckets ?? 1;
    const members = page.items.map(toMembership);
    const next = nextPosition(
      position,
      page.lastKey,
      only === undefined ? { partitions: buckets } : undefined,
    );
    if (next === undefined) return { members };
    return { members, cursor: only === undefined ? encodeWalkCursor(next, buckets) : encodePosition(next) };
  }

  async roomShape(room: RoomName): Promise<RoomShape> {
    const { Item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: keys.roomShape(room) }),
    );
    const shape = Item === undefined ? SINGLE_BUCKET_ROOM : toShape(Item);
    this.remember(room, shape);
    return shape;
  }

  async roomsOf(connectionId: ConnectionId): Promise<RoomName[]> {
    const items = await queryAll((startKey) =>
      this.config.client.send(
        new QueryCommand({
          TableName: this.config.tableName,
          KeyConditionExpression: 'pk = :conn AND begins_with(sk, :room)',
          ExpressionAttributeValues: {
            ':conn': keys.connectionPartition(connectionId),
            ':room': keys.membershipRefPrefix,
          },
          ProjectionExpression: 'room',
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items.map((item) => item['room'] as RoomName);
  }

  async connectionsOfUserInRoom(room: RoomName, userId: UserId): Promise<ConnectionId[]> {
    const shape = await this.cachedShape(room);
    // A user's tabs sit in the user's bucket under each count the room has had: a few Queries at most.
    const pages = await Promise.all(
      bucketsOfUser(userId, shape.buckets).map((bucket) =>
        this.config.client.send(
          new QueryCommand({
            TableName: this.config.tableName,
            KeyConditionExpression: 'pk = :room AND begins_with(sk, :user)',
            FilterExpression: 'expiresAt > :now',
            ExpressionAttributeValues: {
              ':room': keys.roomPartition(room, bucket),
              ':user': keys.memberOfUserPrefix(userId),
              ':now': this.config.clock.now(),
            },
            ProjectionExpression: 'connectionId',
          }),
        ),
      ),
    );
    // A user has a handful of connections, far below one 1 MB page.
    return pages.flatMap((page) => (page.Items ?? []).map((item) => item['connectionId'] as string));
  }

  private get graceMs(): number {
    return growthGraceMs(this.shapeCacheMs);
  }

  private async putMember(membership: Membership, bucket: number): Promise<void> {
    const { room, userId, connectionId, expiresAt } = membership;
    await this.config.client.send(
      new PutCommand({
        TableName: this.config.tableName,
        Item: {
          ...keys.member(room, userId, connectionId, bucket),
          type: 'member',
          ...membership,
          ttl: ttlSeconds(expiresAt),
        },
      }),
    );
  }

  private async putReference(
    membership: Membership,
    bucket: number,
    only: 'new' | 'new-or-same-bucket' | 'any',
  ): Promise<void> {
    const { room, connectionId, userId, expiresAt } = membership;
    const condition =
      only === 'any'
        ? {}
        : only === 'new'
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              // A reference from before buckets existed has no bucket attribute: it is in bucket 0.
              ConditionExpression:
                bucket === 0
                  ? 'attribute_not_exists(pk) OR attribute_not_exists(#bucket) OR #bucket = :bucket'
                  : 'attribute_not_exists(pk) OR #bucket = :bucket',
              ExpressionAttributeNames: { '#bucket': 'bucket' },
              ExpressionAttributeValues: { ':bucket': bucket },
            };
    await this.config.client.send(
      new PutCommand({
        TableName: this.config.tableName,
        Item: {
          ...keys.membershipRef(connectionId, room),
          type: 'membership',
          room,
          userId,
          bucket,
          expiresAt,
          ttl: ttlSeconds(expiresAt),
        },
        ...condition,
      }),
    );
  }

  private async reference(connectionId: ConnectionId, room: RoomName): Promise<Item | undefined> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.membershipRef(connectionId, room),
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** Moves the sampled member count, and grows the bucket count when the room has outgrown it. */
  private async count(room: RoomName, delta: number): Promise<void> {
    const { Attributes } = await this.config.client.send(
      new UpdateCommand({
        TableName: this.config.tableName,
        Key: keys.roomShape(room),
        UpdateExpression: 'SET #type = :shape ADD members :delta',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':delta': delta, ':shape': 'shape' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const shape = toShape(Attributes ?? {});
    const buckets = grownBuckets(shape, this.membersPerBucket);
    if (buckets === shape.buckets) return;
    const now = this.config.clock.now();
    // A growth during another's grace keeps the count writers still use: readers may not know either.
    const from = bucketsForWriting(shape, now, this.graceMs);
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keys.roomShape(room),
          UpdateExpression: 'SET buckets = :next, grownFrom = :from, grownAt = :now',
          ConditionExpression: 'attribute_not_exists(buckets) OR buckets = :current',
          ExpressionAttributeValues: {
            ':next': buckets,
            ':current': shape.buckets,
            ':from': from,
            ':now': now,
          },
        }),
      );
    } catch (error) {
      // Another join grew the room first: its count stands.
      if (!isConditionFailure(error)) throw error;
    }
    this.shapes.delete(room);
  }

  /** One page of one bucket; in bucket 0 the shape item comes first, and is taken out of the members. */
  private async bucketPage(
    room: RoomName,
    position: PartitionedPosition,
    limit: number,
  ): Promise<{ items: Item[]; lastKey: Item | undefined; shape?: RoomShape }> {
    const now = this.config.clock.now();
    const atStart = position.partition === 0 && position.key === undefined;
    const page = await queryWithLookAhead(
      (pageLimit) =>
        this.config.client.send(
          new QueryCommand({
            TableName: this.config.tableName,
            KeyConditionExpression: 'pk = :room AND begins_with(sk, :members)',
            ExpressionAttributeValues: {
              ':room': keys.roomPartition(room, position.partition),
              ':members': keys.memberRangePrefix,
            },
            Limit: pageLimit,
            ExclusiveStartKey: position.key,
          }),
        ),
      {
        limit,
        keyAttributes: ['pk', 'sk'],
        keep: (item) => item['type'] !== 'shape' && (item['expiresAt'] as number) > now,
        ...(atStart ? { leading: (item: Item) => item['type'] === 'shape' } : {}),
      },
    );
    const items = { items: page.items, lastKey: page.lastKey };
    return page.leading === undefined ? items : { ...items, shape: toShape(page.leading) };
  }

  /** Writers may use a shape a few seconds old: a stale count is safe for them (see bucketsForWriting). */
  private async cachedShape(room: RoomName): Promise<RoomShape> {
    const cached = this.shapes.get(room);
    if (cached !== undefined && this.config.clock.now() - cached.readAt < this.shapeCacheMs) {
      return cached.shape;
    }
    return this.roomShape(room);
  }

  private remember(room: RoomName, shape: RoomShape): void {
    if (this.shapes.size >= 1_000) this.shapes.delete(this.shapes.keys().next().value as RoomName);
    this.shapes.set(room, { shape, readAt: this.config.clock.now() });
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
