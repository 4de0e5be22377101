// Driven adapter: RoomMembershipPort on the single DynamoDB table. Each membership is two items written
// in one transaction: the member (pk ROOM#<room>[#<bucket>], sk MEMBER#<user>#<conn>) for fan-out and
// presence, and its reference (pk CONN#<conn>, sk ROOM#<room>, with the bucket) for disconnect cleanup
// and membership checks. A room's shape item (pk SHAPE#<room>) says how many buckets it has grown.

import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  bucketOf,
  bucketsForWriting,
  bucketsOfUser,
  DEFAULT_CHAT_POLICY,
  growthGraceMs,
  grownBuckets,
  isCountedConnection,
  MEMBER_COUNT_SAMPLE,
  SINGLE_BUCKET_ROOM,
  type ConnectionId,
  type Membership,
  type MembersPage,
  type RoomMembershipPort,
  type RoomName,
  type RoomShape,
  type UserId,
} from '../../domain/index.js';
import { decodePosition, encodePosition, queryWithLookAhead, type PartitionedPosition } from './cursor.js';
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
    const now = this.config.clock.now();
    const shape = await this.cachedShape(membership.room);
    const bucket = bucketOf(membership.userId, bucketsForWriting(shape, now, this.graceMs));
    const counted = isCountedConnection(membership.connectionId);
    try {
      // A counted connection's first join must be told from a refresh, so it is counted once.
      await this.write(membership, bucket, counted ? 'new' : 'new-or-same-bucket');
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // A refresh keeps the bucket the membership was first written to, whatever the count is now.
      const existing = await this.reference(membership.connectionId, membership.room);
      await this.write(membership, existing === undefined ? bucket : bucketOfRef(existing), 'any');
      return;
    }
    if (counted) await this.count(membership.room, MEMBER_COUNT_SAMPLE);
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
    // Pages over every bucket carry the count they started with, so a walk never skips or repeats one.
    const buckets = only === undefined ? await this.bucketsToRead(room, options.cursor) : only + 1;
    const position = decodeBucketCursor(options.cursor, buckets, only);
    const page = await this.bucketPage(room, position, options.limit);
    const members = page.items.map(toMembership);
    const next: PartitionedPosition | undefined =
      page.lastKey !== undefined
        ? { partition: position.partition, key: page.lastKey }
        : only === undefined && position.partition + 1 < buckets
          ? { partition: position.partition + 1 }
          : undefined;
    if (next === undefined) return { members };
    return { members, cursor: encodeBucketCursor(next, only === undefined ? buckets : undefined) };
  }

  async roomShape(room: RoomName): Promise<RoomShape> {
    const { Item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: keys.roomShape(room), ConsistentRead: true }),
    );
    const shape = Item === undefined ? SINGLE_BUCKET_ROOM : toShape(Item);
    this.remember(room, shape);
    return shape;
  }

  async roomsOf(connectionId: ConnectionId): Promise<RoomName[]> {
    const rooms: RoomName[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.config.client.send(
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
      );
      rooms.push(...(page.Items ?? []).map((item) => item['room'] as string));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return rooms;
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

  private async write(
    membership: Membership,
    bucket: number,
    only: 'new' | 'new-or-same-bucket' | 'any',
  ): Promise<void> {
    const { room, connectionId, userId, expiresAt } = membership;
    const ttl = ttlSeconds(expiresAt);
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
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.config.tableName,
              Item: {
                ...keys.member(room, userId, connectionId, bucket),
                type: 'member',
                ...membership,
                ttl,
              },
            },
          },
          {
            Put: {
              TableName: this.config.tableName,
              Item: {
                ...keys.membershipRef(connectionId, room),
                type: 'membership',
                room,
                userId,
                bucket,
                expiresAt,
                ttl,
              },
              ...condition,
            },
          },
        ],
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
        UpdateExpression: 'ADD members :delta',
        ExpressionAttributeValues: { ':delta': delta },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const shape = toShape(Attributes ?? {});
    const buckets = grownBuckets(shape, this.membersPerBucket);
    if (buckets === shape.buckets) return;
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keys.roomShape(room),
          UpdateExpression: 'SET buckets = :next, grownFrom = :current, grownAt = :now',
          ConditionExpression: 'attribute_not_exists(buckets) OR buckets = :current',
          ExpressionAttributeValues: {
            ':next': buckets,
            ':current': shape.buckets,
            ':now': this.config.clock.now(),
          },
        }),
      );
    } catch (error) {
      // Another join grew the room first: its count stands.
      if (!isConditionFailure(error)) throw error;
    }
    this.shapes.delete(room);
  }

  private async bucketsToRead(room: RoomName, cursor: string | undefined): Promise<number> {
    const carried = cursor === undefined ? undefined : bucketsInCursor(cursor);
    return carried ?? (await this.roomShape(room)).buckets;
  }

  private async bucketPage(
    room: RoomName,
    position: PartitionedPosition,
    limit: number,
  ): Promise<{ items: Item[]; lastKey: Item | undefined }> {
    const now = this.config.clock.now();
    return queryWithLookAhead(
      (pageLimit) =>
        this.config.client.send(
          new QueryCommand({
            TableName: this.config.tableName,
            KeyConditionExpression: 'pk = :room AND begins_with(sk, :member)',
            ExpressionAttributeValues: {
              ':room': keys.roomPartition(room, position.partition),
              ':member': keys.memberPrefix,
            },
            Limit: pageLimit,
            ExclusiveStartKey: position.key,
          }),
        ),
      { limit, keyAttributes: ['pk', 'sk'], keep: (item) => (item['expiresAt'] as number) > now },
    );
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

function toShape(item: Item): RoomShape {
  const buckets = typeof item['buckets'] === 'number' ? item['buckets'] : 1;
  const approximateMembers = Math.max(0, typeof item['members'] === 'number' ? item['members'] : 0);
  const from = item['grownFrom'];
  const at = item['grownAt'];
  return typeof from === 'number' && typeof at === 'number'
    ? { buckets, approximateMembers, growth: { from, at } }
    : { buckets, approximateMembers };
}

function bucketOfRef(ref: Item): number {
  return typeof ref['bucket'] === 'number' ? ref['bucket'] : 0;
}

function isConditionFailure(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
  }
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** A walk over every bucket also carries the bucket count it started with, as `of`. */
function encodeBucketCursor(position: PartitionedPosition, buckets: number | undefined): string {
  return encodePosition(
    buckets === undefined ? position : { ...position, key: { ...(position.key ?? {}), of: String(buckets) } },
  );
}

function bucketsInCursor(cursor: string): number | undefined {
  const position = decodePosition(cursor, Number.MAX_SAFE_INTEGER);
  const of = Number(position.key?.['of']);
  if (!Number.isInteger(of) || of < 1 || of > 1024) throw new RangeError('malformed cursor');
  return of;
}

function decodeBucketCursor(
  cursor: string | undefined,
  buckets: number,
  only: number | undefined,
): PartitionedPosition {
  const position = decodePosition(cursor, buckets, only ?? 0);
  if (only !== undefined && position.partition !== only) throw new RangeError('malformed cursor');
  if (position.key === undefined) return position;
  const { of: _of, ...key } = position.key;
  return Object.keys(key).length === 0
    ? { partition: position.partition }
    : { partition: position.partition, key };
}

function toMembership(item: Record<string, unknown>): Membership {
  return {
    room: item['room'] as string,
    connectionId: item['connectionId'] as string,
    userId: item['userId'] as string,
    displayName: item['displayName'] as string,
    joinedAt: item['joinedAt'] as number,
    expiresAt: item['expiresAt'] as number,
  };
}
