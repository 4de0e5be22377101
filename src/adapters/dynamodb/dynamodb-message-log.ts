// Driven adapter: MessageLogPort on the single DynamoDB table. Per conversation (pk CONV#<key>):
// messages (sk MSG#<seq, zero-padded>), an atomic counter (sk COUNTER) and idempotency claims
// (sk IDEMP#<user>#<clientMsgId>).

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  conversationKey,
  type Amendment,
  type AppendResult,
  type ClockPort,
  type Conversation,
  type MessageDraft,
  type MessageLogPort,
  type MessagePage,
  type ReadRange,
  type StoredMessage,
} from '../../domain/index.js';
import { keys, ttlSeconds } from './keys.js';
import { reactionCountsOf } from './reaction-records.js';

export interface DynamoDbMessageLogConfig {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: ClockPort;
  /** A claim with no sequence number after this long belongs to a send that died; another may take it over. */
  readonly staleClaimMs?: number;
  /** How long a duplicate waits for the original send, still in flight, to finish. */
  readonly duplicateWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Item = Record<string, unknown>;

export class IdempotencyKeyBusyError extends Error {
  override readonly name = 'IdempotencyKeyBusyError';
}

/**
 * Sequence numbers come from an atomic counter (UpdateItem ADD), so concurrent senders never
 * contend or retry. With a clientMsgId the send first claims the key with a conditional put, and
 * only the claimant draws a number: a duplicate never burns one, so sequences stay gap-free.
 * Only a send that dies between drawing its number and storing its message leaves a gap.
 */
export class DynamoDbMessageLog implements MessageLogPort {
  private readonly staleClaimMs: number;
  private readonly duplicateWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly config: DynamoDbMessageLogConfig) {
    this.staleClaimMs = config.staleClaimMs ?? 30_000;
    this.duplicateWaitMs = config.duplicateWaitMs ?? 5_000;
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async append(draft: MessageDraft): Promise<AppendResult> {
    const key = conversationKey(draft.conversation);
    if (draft.clientMsgId !== undefined) {
      const original = await this.claim(key, draft);
      if (original !== undefined) return { message: original, duplicate: true };
    }
    const seq = await this.nextSeq(key);
    const message: StoredMessage = { ...draft, seq };
    const put = { TableName: this.config.tableName, Item: toItem(key, message) };
    if (draft.clientMsgId === undefined) {
      await this.config.client.send(new PutCommand(put));
    } else {
      await this.config.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Update: {
                TableName: this.config.tableName,
                Key: keys.idempotency(key, draft.from.userId, draft.clientMsgId),
                UpdateExpression: 'SET seq = :seq',
                ExpressionAttributeValues: { ':seq': seq },
              },
            },
          ],
        }),
      );
    }
    return { message, duplicate: false };
  }

  async read(conversation: Conversation, range: ReadRange): Promise<MessagePage> {
    const key = conversationKey(conversation);
    const firstSeq = (range.after ?? 0) + 1;
    if (range.before !== undefined && range.before <= firstSeq) return { messages: [], hasMore: false };
    const forward = range.after !== undefined;
    const lower = range.after === undefined ? undefined : keys.messageSortKey(range.after + 1);
    const upper = range.before === undefined ? undefined : keys.messageSortKey(range.before - 1);
    const condition =
      lower !== undefined && upper !== undefined
        ? 'sk BETWEEN :lower AND :upper'
        : lower !== undefined
          ? 'sk BETWEEN :lower AND :last'
          : upper !== undefined
            ? 'sk BETWEEN :first AND :upper'
            : 'begins_with(sk, :prefix)';
    const values: Item = {
      ':pk': keys.conversationPartition(key),
      ':now': this.config.clock.now(),
      ...(condition.includes(':lower') ? { ':lower': lower } : {}),
      ...(condition.includes(':upper') ? { ':upper': upper } : {}),
      ...(condition.includes(':last') ? { ':last': `${keys.messagePrefix}\uffff` } : {}),
      ...(condition.includes(':first') ? { ':first': keys.messagePrefix } : {}),
      ...(condition.includes(':prefix') ? { ':prefix': keys.messagePrefix } : {}),
    };

    // Expired messages are filtered after DynamoDB's Limit applies, so keep reading until one
    // more live message than asked for proves there is more, or the range ends.
    const found: StoredMessage[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.tableName,
          KeyConditionExpression: `pk = :pk AND ${condition}`,
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: values,
          ScanIndexForward: forward,
          Limit: range.limit + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => fromItem(conversation, item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && found.length <= range.limit);

    const hasMore = found.length > range.limit;
    const kept = found.slice(0, range.limit);
    return { messages: forward ? kept : kept.reverse(), hasMore };
  }

  async get(conversation: Conversation, seq: number): Promise<StoredMessage | undefined> {
    const message = await this.messageAt(conversation, conversationKey(conversation), seq);
    return message !== undefined && message.expiresAt > this.config.clock.now() ? message : undefined;
  }

  /**
   * The entry and the change to its target in one transaction, conditional on the target being live and
   * not deleted; if that condition fails, the entry is stored as a delete so its number is not lost.
   * A delete then blanks the text of the target's earlier edit entries, which the target lists.
   */
  async amend(draft: MessageDraft & { readonly amends: Amendment }): Promise<StoredMessage> {
    const key = conversationKey(draft.conversation);
    const seq = await this.nextSeq(key);
    const { kind, target } = draft.amends;
    const entry: StoredMessage = { ...draft, seq, text: kind === 'edit' ? draft.text : '' };
    const change =
      kind === 'edit'
        ? {
            expression: 'SET #text = :text, editedAt = :at ADD edits :entry',
            values: { ':text': draft.text, ':entry': new Set([seq]) },
          }
        : { expression: 'SET #text = :empty, deletedAt = :at', values: { ':empty': '' } };
    try {
      await this.config.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.config.tableName, Item: toItem(key, entry) } },
            {
              Update: {
                TableName: this.config.tableName,
                Key: keys.message(key, target),
                UpdateExpression: change.expression,
                ConditionExpression:
                  'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND expiresAt > :now',
                ExpressionAttributeNames: { '#text': 'text' },
                ExpressionAttributeValues: {
                  ...change.values,
                  ':at': draft.sentAt,
                  ':now': this.config.clock.now(),
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const echo: StoredMessage = { ...entry, text: '', amends: { kind: 'delete', target } };
      await this.config.client.send(
        new PutCommand({ TableName: this.config.tableName, Item: toItem(key, echo) }),
      );
      return echo;
    }
    if (kind === 'delete') await this.blankEdits(key, target);
    return entry;
  }

  private async blankEdits(key: string, target: number): Promise<void> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.message(key, target),
        ProjectionExpression: 'edits',
        ConsistentRead: true,
      }),
    );
    const edits = [...((Item?.['edits'] as Set<number> | undefined) ?? [])];
    await Promise.all(
      edits.map((seq) =>
        this.config.client.send(
          new UpdateCommand({
            TableName: this.config.tableName,
            Key: keys.message(key, seq),
            UpdateExpression: 'SET #text = :empty',
            ExpressionAttributeNames: { '#text': 'text' },
            ExpressionAttributeValues: { ':empty': '' },
          }),
        ),
      ),
    );
  }

  async latestSeq(conversation: Conversation): Promise<number> {
    const { Item } = await this.config.client.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keys.counter(conversationKey(conversation)),
        ProjectionExpression: 'seq',
        // A join or an unread count just after a send must count that send.
        ConsistentRead: true,
      }),
    );
    return typeof Item?.['seq'] === 'number' ? Item['seq'] : 0;
  }

  private async nextSeq(key: string): Promise<number> {
    const { Attributes } = await this.config.client.send(
      new UpdateCommand({
        TableName: this.config.tableName,
        Key: keys.counter(key),
        UpdateExpression: 'ADD seq :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.['seq'] as number;
  }

  /**
   * Claims the draft's clientMsgId. Resolves undefined when this send owns it, or the original
   * message when the key was already used.
   */
  private async claim(key: string, draft: MessageDraft): Promise<StoredMessage | undefined> {
    const clientMsgId = draft.clientMsgId as string;
    const claimKey = keys.idempotency(key, draft.from.userId, clientMsgId);
    const deadline = this.config.clock.now() + this.duplicateWaitMs;
    let delay = 20;
    for (;;) {
      const now = this.config.clock.now();
      try {
        await this.config.client.send(
          new PutCommand({
            TableName: this.config.tableName,
            Item: {
              ...claimKey,
              type: 'idempotency',
              messageId: draft.messageId,
              claimedAt: now,
              expiresAt: draft.expiresAt,
              ttl: ttlSeconds(draft.expiresAt),
            },
            // An expired claim may still be stored (TTL deletes lazily): it no longer counts.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return undefined;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item: existing } = await this.config.client.send(
        new GetCommand({ TableName: this.config.tableName, Key: claimKey, ConsistentRead: true }),
      );
      if (existing !== undefined && typeof existing['seq'] === 'number') {
        const original = await this.messageAt(draft.conversation, key, existing['seq']);
        if (original !== undefined) return original;
      } else if (existing !== undefined && now - (existing['claimedAt'] as number) >= this.staleClaimMs) {
        if (await this.takeOver(claimKey, existing['claimedAt'] as number, now)) return undefined;
      }
      if (now >= deadline) {
        throw new IdempotencyKeyBusyError(`clientMsgId ${clientMsgId} is still being sent; retry later`);
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, 250);
    }
  }

  /** Takes over a claim whose send died before storing, if nobody else took it over meanwhile. */
  private async takeOver(claimKey: Item, claimedAt: number, now: number): Promise<boolean> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: claimKey,
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression: 'claimedAt = :then AND attribute_not_exists(seq)',
          ExpressionAttributeValues: { ':now': now, ':then': claimedAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async messageAt(
    conversation: Conversation,
    key: string,
    seq: number,
  ): Promise<StoredMessage | undefined> {
    const { Item } = await this.config.client.send(
      new GetCommand({ TableName: this.config.tableName, Key: keys.message(key, seq), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : fromItem(conversation, Item);
  }
}

function toItem(key: string, message: StoredMessage): Item {
  return {
    ...keys.message(key, message.seq),
    type: 'message',
    seq: message.seq,
    messageId: message.messageId,
    fromUserId: message.from.userId,
    fromName: message.from.displayName,
    to: message.to,
    text: message.text,
    sentAt: message.sentAt,
    clientMsgId: message.clientMsgId,
    expiresAt: message.expiresAt,
    ttl: ttlSeconds(message.expiresAt),
    ...(message.amends === undefined
      ? {}
      : { amendKind: message.amends.kind, amendTarget: message.amends.target }),
  };
}

function fromItem(conversation: Conversation, item: Item): StoredMessage {
  const reactions = reactionCountsOf(item);
  return {
    conversation,
    seq: item['seq'] as number,
    messageId: item['messageId'] as string,
    from: { userId: item['fromUserId'] as string, displayName: item['fromName'] as string },
    text: item['text'] as string,
    sentAt: item['sentAt'] as number,
    expiresAt: item['expiresAt'] as number,
    ...(typeof item['to'] === 'string' ? { to: item['to'] } : {}),
    ...(typeof item['clientMsgId'] === 'string' ? { clientMsgId: item['clientMsgId'] } : {}),
    ...(item['amendKind'] === 'edit' || item['amendKind'] === 'delete'
      ? { amends: { kind: item['amendKind'], target: item['amendTarget'] as number } }
      : {}),
    ...(typeof item['editedAt'] === 'number' ? { editedAt: item['editedAt'] } : {}),
    ...(typeof item['deletedAt'] === 'number' ? { deletedAt: item['deletedAt'] } : {}),
    ...(reactions === undefined ? {} : { reactions }),
  };
}
