// Driven adapter: RateLimiterPort on the single table. One item per bucket (pk CONN#<id> or USER#<id>,
// sk RATE) holds the GCRA state `tat`; each frame costs one conditional UpdateItem (two while a burst is spent).

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { retryAfterMs, type RateBucket, type RateLimit, type RateLimiterPort } from '../../domain/index.js';
import type { DynamoDbAdapterConfig } from './dynamodb-connection-registry.js';
import { keys, ttlSeconds } from './keys.js';

type Key = Record<string, string>;

/** What a conditional update found: done, or refused with the item as it was (when it exists). */
type Outcome = { readonly done: true } | { readonly done: false; readonly old?: Record<string, unknown> };

export class DynamoDbRateLimiter implements RateLimiterPort {
  constructor(private readonly config: DynamoDbAdapterConfig) {}

  /**
   * The GCRA rule without a read: either the bucket is full again (no state, or `tat` in the past) and
   * `tat` restarts from now, or it is partly spent but within the burst and `tat` moves one interval on.
   * Each case is one atomic conditional update; if both conditions fail, the frame is refused, and the
   * failed update hands back the stored `tat`, from which the exact wait follows.
   */
  async take(
    bucket: RateBucket,
    limit: RateLimit,
    expiresAt: number,
  ): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const now = this.config.clock.now();
    const key = keyOf(bucket);
    const ttl = ttlSeconds(expiresAt);
    const restart = await this.update(
      key,
      'SET tat = :next, #ttl = :ttl',
      'attribute_not_exists(tat) OR tat <= :now',
      { ':next': now + limit.intervalMs, ':now': now, ':ttl': ttl },
    );
    if (restart.done) return { allowed: true, retryAfterMs: 0 };
    const step = await this.update(
      key,
      'SET tat = tat + :interval, #ttl = :ttl',
      'tat > :now AND tat <= :latest',
      {
        ':interval': limit.intervalMs,
        ':now': now,
        ':latest': now + (limit.burst - 1) * limit.intervalMs,
        ':ttl': ttl,
      },
    );
    if (step.done) return { allowed: true, retryAfterMs: 0 };
    const tat = step.old?.['tat'];
    // Without the stored state (deleted between the two updates), one interval is the most it can be.
    const wait = typeof tat === 'number' ? retryAfterMs(tat, now, limit) : limit.intervalMs;
    return { allowed: false, retryAfterMs: wait > 0 ? wait : limit.intervalMs };
  }

  async forget(bucket: RateBucket): Promise<void> {
    await this.config.client.send(
      new DeleteCommand({ TableName: this.config.tableName, Key: keyOf(bucket) }),
    );
  }

  private async update(
    key: Key,
    expression: string,
    condition: string,
    values: Record<string, number>,
  ): Promise<Outcome> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { done: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return { done: false, old: unmarshalledTat(error) };
      throw error;
    }
  }
}

function keyOf(bucket: RateBucket): Key {
  return bucket.scope === 'connection' ? keys.rate(bucket.connectionId) : keys.userRate(bucket.userId);
}

/**
 * The document client does not unmarshall the item a failed condition returns: it comes in the low-level
 * shape (`{ tat: { N: '123' } }`).
 */
function unmarshalledTat(error: ConditionalCheckFailedException): Record<string, unknown> | undefined {
  const raw = error.Item?.['tat']?.N;
  return raw === undefined ? undefined : { tat: Number(raw) };
}
