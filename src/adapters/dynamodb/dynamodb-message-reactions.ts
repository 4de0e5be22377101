// Driven adapter: MessageReactionsPort on the single DynamoDB table. Who reacted is one item per user,
// message and reaction (sk REACT#<user>#<seq>#<reaction>, in the conversation's partition); the counts,
// the set of distinct reactions and the gathering window's start live on the message item itself.

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  conversationKey,
  ReactionRefused,
  type ClockPort,
  type Conversation,
  type MessageReactionsPort,
  type ReactionChange,
  type ReactionCounts,
  type ReactOutcome,
} from '../../domain/index.js';
import { keys, ttlSeconds } from './keys.js';
import {
  reactionCountAttribute,
  reactionCountsOf,
  REACTION_KINDS,
  REACTIONS_PENDING,
} from './reaction-records.js';

export interface DynamoDbMessageReactionsConfig {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: ClockPort;
  /**
   * A window older than this is taken to have lost its summary job (the enqueue failed after the window
   * opened, or the job died), and the next change opens a new one. Well above the summary delay.
   */
  readonly staleWindowMs?: number;
}

type Item = Record<string, unknown>;

/** A live message that can take reactions: stored, not expired, not deleted, not an edit or delete entry. */
const LIVE_MESSAGE =
  'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND attribute_not_exists(amendKind) AND expiresAt > :now';

export class DynamoDbMessageReactions implements MessageReactionsPort {
  private readonly staleWindowMs: number;

  constructor(private readonly config: DynamoDbMessageReactionsConfig) {
    this.staleWindowMs = config.staleWindowMs ?? 60_000;
  }

  /**
   * One transaction writes (or deletes) the user's reaction item and moves the count, so the two never
   * disagree; the reaction item's own condition makes a repeated change a no-op. Then one UpdateItem opens
   * the gathering window if none is open, returning the counts, while the user's reactions are read.
   */
  async react(
    conversation: Conversation,
    change: ReactionChange,
    limits: { readonly maxKinds: number; readonly expiresAt: number },
  ): Promise<ReactOutcome> {
    const key = conversationKey(conversation);
    const now = this.config.clock.now();
    const reactionKey = keys.reaction(key, change.userId, change.seq, change.reaction);
    const messageKey = keys.message(key, change.seq);
    const count = { '#count': reactionCountAttribute(change.reaction) };
    const changed = await this.write(
      change.on
        ? [
            {
              Put: {
                TableName: this.config.tableName,
                Item: {
                  ...reactionKey,
                  type: 'reaction',
                  expiresAt: limits.expiresAt,
                  ttl: ttlSeconds(limits.expiresAt),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.config.tableName,
                Key: messageKey,
                UpdateExpression: `ADD #count :one, ${REACTION_KINDS} :kind`,
                ConditionExpression: `${LIVE_MESSAGE} AND (attribute_not_exists(${REACTION_KINDS}) OR contains(${REACTION_KINDS}, :reaction) OR size(${REACTION_KINDS}) < :max)`,
                ExpressionAttributeNames: count,
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':kind': new Set([change.reaction]),
                  ':reaction': change.reaction,
                  ':max': limits.maxKinds,
                  ':now': now,
                },
              },
            },
          ]
        : [
            {
              Delete: {
                TableName: this.config.tableName,
                Key: reactionKey,
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.config.tableName,
                Key: messageKey,
                UpdateExpression: 'ADD #count :minusOne',
                ConditionExpression: LIVE_MESSAGE,
                ExpressionAttributeNames: count,
                ExpressionAttributeValues: { ':minusOne': -1, ':now': now },
              },
            },
          ],
      () => this.refusalFor(messageKey, now, change.on),
    );
    const [window, mine] = await Promise.all([
      changed ? this.openWindow(messageKey, now) : this.current(messageKey),
      this.mine(conversation, change.userId, [change.seq]),
    ]);
    return { changed, counts: window.counts, mine: mine.get(change.seq) ?? [], summaryDue: window.opened };
  }

  async mine(
    conversation: Conversation,
    userId: string,
    seqs: readonly number[],
  ): Promise<Map<number, string[]>> {
    const found = new Map<number, string[]>();
    if (seqs.length === 0) return found;
    const range = keys.reactionRange(userId, Math.min(...seqs), Math.max(...seqs));
    const wanted = new Set(seqs);
    let startKey: Item | undefined;
    do {
      const page = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: {
            ':pk': keys.conversationPartition(conversationKey(conversation)),
            ':lower': range.lower,
            ':upper': range.upper,
            ':now': this.config.clock.now(),
          },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        // sk = REACT#<user>#<16-digit seq>#<reaction>; the user id holds no `#`.
        const rest = (item['sk'] as string).slice(range.lower.length - 17);
        const seq = Number(rest.slice(0, 16));
        if (!wanted.has(seq)) continue;
        const list = found.get(seq) ?? [];
        list.push(rest.slice(17));
        found.set(seq, list);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return found;
  }

  /**
   * Closes the window (REMOVE, so the next change opens another) and returns the counts as they stand.
   * Reactions whose count fell to zero leave the set of distinct reactions, each only if still at zero.
   */
  async takeSummary(conversation: Conversation, seq: number): Promise<ReactionCounts | undefined> {
    const messageKey = keys.message(conversationKey(conversation), seq);
    let item: Item | undefined;
    try {
      ({ Attributes: item } = await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: messageKey,
          UpdateExpression: `REMOVE ${REACTIONS_PENDING}`,
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    if (item === undefined || item['deletedAt'] !== undefined) return undefined;
    const counts = reactionCountsOf(item) ?? {};
    const emptied = Object.entries(counts).filter(([, count]) => count <= 0);
    await Promise.all(emptied.map(([reaction]) => this.dropIfEmpty(messageKey, reaction)));
    return counts;
  }

  /** Runs the transaction: true when it changed something, false when the user's item said "already so". */
  private async write(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
    refusal: () => Promise<ReactionRefused>,
  ): Promise<boolean> {
    try {
      await this.config.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [mine, message] = error.CancellationReasons ?? [];
      if (message?.Code === 'ConditionalCheckFailed') throw await refusal();
      if (mine?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** Why the message refused the change: it is not a live message, or it has all the reactions it may. */
  private async refusalFor(messageKey: Item, now: number, on: boolean): Promise<ReactionRefused> {
    const { Item: item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: messageKey, ConsistentRead: true }),
    );
    const live =
      item !== undefined &&
      item['deletedAt'] === undefined &&
      item['amendKind'] === undefined &&
      (item['expiresAt'] as number) > now;
    return new ReactionRefused(live && on ? 'too_many_kinds' : 'no_message');
  }

  /**
   * Opens the gathering window unless one is open (`if_not_exists` keeps its start), returning the
   * counts the change left. A window open longer than `staleWindowMs` lost its job: it is opened anew,
   * conditional on nobody having done so since.
   */
  private async openWindow(
    messageKey: Item,
    now: number,
  ): Promise<{ counts: ReactionCounts; opened: boolean }> {
    let before: Item | undefined;
    try {
      ({ Attributes: before } = await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: messageKey,
          UpdateExpression: `SET ${REACTIONS_PENDING} = if_not_exists(${REACTIONS_PENDING}, :now)`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      // Gone since the transaction (its TTL ran out): nothing left to summarise.
      if (error instanceof ConditionalCheckFailedException) throw new ReactionRefused('no_message');
      throw error;
    }
    const counts = reactionCountsOf(before ?? {}) ?? {};
    const openedAt = before?.[REACTIONS_PENDING];
    if (typeof openedAt !== 'number') return { counts, opened: true };
    if (now - openedAt < this.staleWindowMs) return { counts, opened: false };
    return { counts, opened: await this.reopen(messageKey, openedAt, now) };
  }

  private async reopen(messageKey: Item, openedAt: number, now: number): Promise<boolean> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: messageKey,
          UpdateExpression: `SET ${REACTIONS_PENDING} = :now`,
          ConditionExpression: `${REACTIONS_PENDING} = :then`,
          ExpressionAttributeValues: { ':now': now, ':then': openedAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async current(messageKey: Item): Promise<{ counts: ReactionCounts; opened: boolean }> {
    const { Item: item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: messageKey, ConsistentRead: true }),
    );
    return { counts: reactionCountsOf(item ?? {}) ?? {}, opened: false };
  }

  private async dropIfEmpty(messageKey: Item, reaction: string): Promise<void> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: messageKey,
          UpdateExpression: `REMOVE #count DELETE ${REACTION_KINDS} :kind`,
          ConditionExpression: '#count <= :zero',
          ExpressionAttributeNames: { '#count': reactionCountAttribute(reaction) },
          ExpressionAttributeValues: { ':zero': 0, ':kind': new Set([reaction]) },
        }),
      );
    } catch (error) {
      // Given again meanwhile: it stays.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
