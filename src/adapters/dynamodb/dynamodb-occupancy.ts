// Driven adapter: OccupancyPort on the single DynamoDB table. One item per room (pk ROOM#<room>, sk
// OCCUPANCY): two counters moved by ADD (one UpdateItem per arrival or departure) and the time of the
// last announcement, claimed with a conditional write.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EMPTY_OCCUPANCY, type Occupancy, type OccupancyPort, type RoomName } from '../../domain/index.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys } from './keys.js';

export class DynamoDbOccupancy implements OccupancyPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  async change(room: RoomName, delta: Occupancy): Promise<Occupancy> {
    const { Attributes } = await this.config.client.send(
      new UpdateCommand({
        TableName: this.config.tableName,
        Key: keys.occupancy(room),
        UpdateExpression: 'ADD connections :connections, #users :users',
        ExpressionAttributeNames: { '#users': 'users' },
        ExpressionAttributeValues: { ':connections': delta.connections, ':users': delta.users },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return toOccupancy(Attributes);
  }

  async get(room: RoomName): Promise<Occupancy> {
    const { Item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: keys.occupancy(room) }),
    );
    return toOccupancy(Item);
  }

  async claimAnnouncement(room: RoomName, now: number, everyMs: number): Promise<boolean> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keys.occupancy(room),
          UpdateExpression: 'SET announcedAt = :now',
          ConditionExpression: 'attribute_not_exists(announcedAt) OR announcedAt <= :before',
          ExpressionAttributeValues: { ':now': now, ':before': now - everyMs },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** Departures the counters never saw arrive (records from before counting began) cannot go below 0. */
function toOccupancy(item: Record<string, unknown> | undefined): Occupancy {
  if (item === undefined) return EMPTY_OCCUPANCY;
  const count = (value: unknown) => (typeof value === 'number' ? Math.max(0, value) : 0);
  return { connections: count(item['connections']), users: count(item['users']) };
}
