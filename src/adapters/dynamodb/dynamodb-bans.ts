// Driven adapter: BanPort on the single DynamoDB table, one item per banned user and room (pk
// ROOM#<room>, sk BAN#<user>). No expiry: a ban lasts until a backend lifts it.

import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BanPort, RoomName, UserId } from '../../domain/index.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys } from './keys.js';

export class DynamoDbBans implements BanPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  async isBanned(room: RoomName, userId: UserId): Promise<boolean> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.ban(room, userId),
        // Strongly consistent: a join just after the ban must see it.
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  }

  async ban(room: RoomName, userId: UserId, bannedAt: number): Promise<void> {
    await this.config.client.send(
      new PutCommand({
        TableName: this.config.tableName,
        Item: { ...keys.ban(room, userId), type: 'ban', room, userId, bannedAt },
      }),
    );
  }

  async unban(room: RoomName, userId: UserId): Promise<boolean> {
    const { Attributes } = await this.config.client.send(
      new DeleteCommand({
        TableName: this.config.tableName,
        Key: keys.ban(room, userId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }
}
