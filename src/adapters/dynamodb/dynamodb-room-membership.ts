// Driven adapter: RoomMembershipPort on the single DynamoDB table. Each membership is two items written
// in one transaction: the member (pk ROOM#<room>, sk MEMBER#<user>#<conn>) for fan-out and presence,
// and its reference (pk CONN#<conn>, sk ROOM#<room>) for disconnect cleanup and membership checks.

import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ConnectionId,
  Membership,
  MembersPage,
  RoomMembershipPort,
  RoomName,
  UserId,
} from '../../domain/index.js';
import { decodeCursor, encodeCursor, queryWithLookAhead } from './cursor.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys, ttlSeconds } from './keys.js';

export class DynamoDbRoomMembership implements RoomMembershipPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  async add(membership: Membership): Promise<void> {
    const { room, connectionId, userId, expiresAt } = membership;
    const ttl = ttlSeconds(expiresAt);
    await this.config.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.config.tableName,
              Item: { ...keys.member(room, userId, connectionId), type: 'member', ...membership, ttl },
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
                expiresAt,
                ttl,
              },
            },
          },
        ],
      }),
    );
  }

  async remove(room: RoomName, connectionId: ConnectionId): Promise<Membership | undefined> {
    // The reference knows the user id, which the member's sort key needs.
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
        Key: keys.member(room, ref['userId'] as string, connectionId),
        ReturnValues: 'ALL_OLD',
      }),
    );
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

  async membersPage(room: RoomName, options: { cursor?: string; limit: number }): Promise<MembersPage> {
    const now = this.config.clock.now();
    const page = await queryWithLookAhead(
      (limit) =>
        this.config.client.send(
          new QueryCommand({
            TableName: this.config.tableName,
            KeyConditionExpression: 'pk = :room AND begins_with(sk, :member)',
            ExpressionAttributeValues: { ':room': keys.roomPartition(room), ':member': keys.memberPrefix },
            Limit: limit,
            ExclusiveStartKey: decodeCursor(options.cursor),
          }),
        ),
      {
        limit: options.limit,
        keyAttributes: ['pk', 'sk'],
        keep: (item) => (item['expiresAt'] as number) > now,
      },
    );
    const members = page.items.map(toMembership);
    const cursor = encodeCursor(page.lastKey);
    return cursor === undefined ? { members } : { members, cursor };
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
    const page = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.tableName,
        KeyConditionExpression: 'pk = :room AND begins_with(sk, :user)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: {
          ':room': keys.roomPartition(room),
          ':user': keys.memberOfUserPrefix(userId),
          ':now': this.config.clock.now(),
        },
        ProjectionExpression: 'connectionId',
      }),
    );
    // A user has a handful of connections, far below one 1 MB page.
    return (page.Items ?? []).map((item) => item['connectionId'] as string);
  }
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
