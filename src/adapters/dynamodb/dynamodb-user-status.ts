// Driven adapter: UserStatusPort on the single DynamoDB table, one item per user (pk USER#<user>, sk
// STATUS). It has no expiry: a status is the user's own setting, like a profile field.

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UserId, UserStatus, UserStatusPort } from '../../domain/index.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys } from './keys.js';
import { toUserStatus } from './stored-records.js';

export class DynamoDbUserStatus implements UserStatusPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  async get(userId: UserId): Promise<UserStatus | undefined> {
    const { Item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: keys.userStatus(userId) }),
    );
    return Item === undefined ? undefined : toUserStatus(Item);
  }

  async set(userId: UserId, status: UserStatus): Promise<void> {
    await this.config.client.send(
      new PutCommand({
        TableName: this.config.tableName,
        Item: { ...keys.userStatus(userId), type: 'userStatus', userId, ...status },
      }),
    );
  }
}
