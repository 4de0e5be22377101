// Driven adapter: RateLimiterPort on the single table. One item per connection (pk CONN#<id>, sk RATE)
// holds the GCRA state `tat`; each frame costs one conditional UpdateItem (two while a burst is spent).

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectionId, RateLimit, RateLimiterPort } from '../../domain/index.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys, ttlSeconds } from './keys.js';

export class DynamoDbRateLimiter implements RateLimiterPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  /**
   * The GCRA rule without a read: either the bucket is full again (no state, or `tat` in the past) and
   * `tat` restarts from now, or it is partly spent but within the burst and `tat` moves one interval on.
   * Each case is one atomic conditional update; if both conditions fail, the frame is refused.
   */
  async take(
    connectionId: ConnectionId,
    limit: RateLimit,
    expiresAt: number,
  ): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const now = this.config.clock.now();
    const key = keys.rate(connectionId);
    const ttl = ttlSeconds(expiresAt);
    if (
      await this.update(key, 'SET tat = :next, #ttl = :ttl', 'attribute_not_exists(tat) OR tat <= :now', {
        ':next': now + limit.intervalMs,
        ':now': now,
        ':ttl': ttl,
      })
    ) {
      return { allowed: true, retryAfterMs: 0 };
    }
    if (
      await this.update(key, 'SET tat = tat + :interval, #ttl = :ttl', 'tat > :now AND tat <= :latest', {
        ':interval': limit.intervalMs,
        ':now': now,
        ':latest': now + (limit.burst - 1) * limit.intervalMs,
        ':ttl': ttl,
      })
    ) {
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: limit.intervalMs };
  }

  private async update(
    key: Record<string, string>,
    expression: string,
    condition: string,
    values: Record<string, number>,
  ): Promise<boolean> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
