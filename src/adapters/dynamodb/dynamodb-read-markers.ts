// Driven adapter: ReadMarkersPort on the single DynamoDB table. One item per user and conversation
// (pk USER#<user>, sk READ#<conversation>) holds `readSeq`; a Query on the user's READ# items lists what
// they follow. Markers expire after a while unmoved (TTL), like every record tied to activity.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  conversationKey,
  type Conversation,
  type ReadMarker,
  type ReadMarkersPort,
  type UserId,
} from '../../domain/index.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys, ttlSeconds } from './keys.js';

export class DynamoDbReadMarkers implements ReadMarkersPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  async markRead(
    userId: UserId,
    conversation: Conversation,
    seq: number,
    expiresAt: number,
  ): Promise<number> {
    try {
      // Forward only, in one conditional write: two devices marking at once keep the higher marker.
      const { Attributes } = await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keys.readMarker(userId, conversationKey(conversation)),
          UpdateExpression:
            'SET readSeq = :seq, #type = :type, conversation = :conversation, expiresAt = :expiresAt, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(readSeq) OR readSeq <= :seq OR expiresAt <= :now',
          ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':seq': seq,
            ':type': 'readMarker',
            ':conversation': conversation,
            ':expiresAt': expiresAt,
            ':ttl': ttlSeconds(expiresAt),
            ':now': this.config.clock.now(),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes?.['readSeq'] as number;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Already further: keep it (and its expiry moves with the next marker that moves it).
      return this.readSeq(userId, conversation);
    }
  }

  async readSeq(userId: UserId, conversation: Conversation): Promise<number> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.readMarker(userId, conversationKey(conversation)),
        ConsistentRead: true,
      }),
    );
    return Item !== undefined && this.live(Item) ? (Item['readSeq'] as number) : 0;
  }

  async track(userId: UserId, conversation: Conversation, expiresAt: number): Promise<void> {
    await this.config.client.send(
      new UpdateCommand({
        TableName: this.config.tableName,
        Key: keys.readMarker(userId, conversationKey(conversation)),
        // An expired marker starts again at 0, as one never written would.
        UpdateExpression:
          'SET readSeq = if_not_exists(readSeq, :zero), #type = :type, conversation = :conversation, expiresAt = :expiresAt, #ttl = :ttl',
        ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':type': 'readMarker',
          ':conversation': conversation,
          ':expiresAt': expiresAt,
          ':ttl': ttlSeconds(expiresAt),
        },
      }),
    );
  }

  async markers(userId: UserId, limit: number): Promise<ReadMarker[]> {
    const found: ReadMarker[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.readMarkerPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (this.live(item) && found.length < limit) {
          found.push({
            conversation: item['conversation'] as Conversation,
            readSeq: item['readSeq'] as number,
          });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && found.length < limit);
    return found;
  }

  private live(item: Record<string, unknown>): boolean {
    return (item['expiresAt'] as number) > this.config.clock.now();
  }
}
