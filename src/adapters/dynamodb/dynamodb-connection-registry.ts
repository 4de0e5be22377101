// Driven adapter: ConnectionRegistryPort on the single DynamoDB table.
// connection record: pk CONN#<id>, sk CONN; indexed by user in gsi1 (USER#<user>, CONN#<id>) and,
// for broadcasts, in the sharded gsi2 (CONNS#<shard>, <id>).

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
  ConnectionsPage,
  UserId,
} from '../../domain/index.js';
import {
  checkPartition,
  decodePosition,
  encodePosition,
  nextPosition,
  queryAll,
  queryWithLookAhead,
} from './cursor.js';
import { CONNECTION_SHARDS, keys, ttlSeconds } from './keys.js';
import { ALL_CONNECTIONS_INDEX, USER_INDEX } from './table-schema.js';

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
          ...keys.allConnectionsIndex(connection.connectionId),
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
    const items = await queryAll((startKey) =>
      this.config.client.send(
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
      ),
    );
    return items.map(toConnection);
  }

  readonly partitions = CONNECTION_SHARDS;

  async connectionsPage(options: {
    cursor?: string;
    limit: number;
    partition?: number;
  }): Promise<ConnectionsPage> {
    const only = options.partition;
    checkPartition(only, CONNECTION_SHARDS, 'partition');
    const position = decodePosition(options.cursor, CONNECTION_SHARDS, only ?? 0);
    if (only !== undefined && position.partition !== only) throw new RangeError('malformed cursor');
    const page = await queryWithLookAhead(
      (limit) =>
        this.config.client.send(
          new QueryCommand({
            TableName: this.config.tableName,
            IndexName: ALL_CONNECTIONS_INDEX,
            KeyConditionExpression: 'gsi2pk = :shard',
            ExpressionAttributeValues: { ':shard': keys.allConnectionsPartition(position.partition) },
            Limit: limit,
            ExclusiveStartKey: position.key,
          }),
        ),
      // An index's key is its own key plus the table's.
      {
        limit: options.limit,
        keyAttributes: ['gsi2pk', 'gsi2sk', 'pk', 'sk'],
        keep: (item) => this.live(item),
      },
    );
    const connections = page.items.map(toConnection);
    // Within a partition, continue after the last key; then move to the next one (unless asked for one).
    const next = nextPosition(
      position,
      page.lastKey,
      only === undefined ? { partitions: CONNECTION_SHARDS } : undefined,
    );
    return next === undefined ? { connections } : { connections, cursor: encodePosition(next) };
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
