// Driven adapter: ConnectionRegistryPort on the single DynamoDB table.
// connection record: pk CONN#<id>, sk CONN; indexed by user in gsi1 (USER#<user>, CONN#<id>).

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  ClockPort,
  Connection,
  ConnectionId,
  ConnectionRegistryPort,
  UserId,
} from '../../domain/index.js';
import { keys, ttlSeconds } from './keys.js';
import { USER_INDEX } from './table-schema.js';

export interface DynamoDbAdapterConfig {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: ClockPort;
}

export class DynamoDbConnectionRegistry implements ConnectionRegistryPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  async register(connection: Connection): Promise<void> {
    await this.config.client.send(
      new PutCommand({
        TableName: this.config.tableName,
        Item: {
          ...keys.connection(connection.connectionId),
          ...keys.userIndex(connection.userId, connection.connectionId),
          type: 'connection',
          ...connection,
          ttl: ttlSeconds(connection.expiresAt),
        },
      }),
    );
  }

  async find(connectionId: ConnectionId): Promise<Connection | undefined> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.connection(connectionId),
        ConsistentRead: true,
      }),
    );
    return Item === undefined || !this.live(Item) ? undefined : toConnection(Item);
  }

  async remove(connectionId: ConnectionId): Promise<void> {
    await this.config.client.send(
      new DeleteCommand({ TableName: this.config.tableName, Key: keys.connection(connectionId) }),
    );
  }

  async connectionsOfUser(userId: UserId): Promise<Connection[]> {
    const found: Connection[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.tableName,
          IndexName: USER_INDEX,
          KeyConditionExpression: 'gsi1pk = :user',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: {
            ':user': keys.userIndexPartition(userId),
            ':now': this.config.clock.now(),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map(toConnection));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return found;
  }

  private live(item: Record<string, unknown>): boolean {
    return typeof item['expiresAt'] === 'number' && item['expiresAt'] > this.config.clock.now();
  }
}

function toConnection(item: Record<string, unknown>): Connection {
  return {
    connectionId: item['connectionId'] as string,
    userId: item['userId'] as string,
    displayName: item['displayName'] as string,
    connectedAt: item['connectedAt'] as number,
    expiresAt: item['expiresAt'] as number,
  };
}
