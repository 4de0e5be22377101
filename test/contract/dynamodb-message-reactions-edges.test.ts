// Contract edges of DynamoDbMessageReactions on DynamoDB Local: listing, boundaries, window races, failures.

import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDbMessageLog } from '../../src/adapters/dynamodb/dynamodb-message-log.js';
import {
  DynamoDbMessageReactions,
  type DynamoDbMessageReactionsConfig,
} from '../../src/adapters/dynamodb/dynamodb-message-reactions.js';
import { keys, ttlSeconds } from '../../src/adapters/dynamodb/keys.js';
import { REACTIONS_PENDING } from '../../src/adapters/dynamodb/reaction-records.js';
import {
  conversationKey,
  ReactionRefused,
  roomConversation,
  type Conversation,
  type ReactOutcome,
} from '../../src/domain/index.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { testTableForFile } from '../support/test-table-for-file.js';
import { steeredClient, throttled } from '../support/steered-client.js';

const DAY = 86_400_000;
const LIMITS = { maxKinds: 3, expiresAt: Number.MAX_SAFE_INTEGER };

const table = testTableForFile();

describe('DynamoDbMessageReactions on DynamoDB Local', () => {
  let clock: ManualClock;
  let n = 0;
  let conversation: Conversation;

  beforeEach(() => {
    clock = new ManualClock();
    // A room of its own per test: the table is shared by the whole file.
    conversation = roomConversation(`rx-edges-${(n += 1)}`);
  });

  const adapter = () => ({ client: table.client, tableName: table.tableName, clock });
  const log = () => new DynamoDbMessageLog(adapter());
  const reactions = (overrides: Partial<DynamoDbMessageReactionsConfig> = {}) =>
    new DynamoDbMessageReactions({ ...adapter(), ...overrides });

  async function post(): Promise<number> {
    const { message } = await log().append({
      conversation,
      messageId: `m-${n}-${clock.now()}`,
      from: { userId: 'ada', displayName: 'Ada' },
      text: 'hi',
      sentAt: clock.now(),
      expiresAt: clock.now() + DAY,
    });
    return message.seq;
  }

  const react = (seq: number, userId: string, reaction = '👍', on = true, subject = reactions()) =>
    subject.react(conversation, { seq, userId, reaction, on }, LIMITS);

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof ReactionRefused ? error.reason : error),
    );

  const queries = () => table.requests.get('QueryCommand') ?? 0;
  const messageKey = (seq: number) => keys.message(conversationKey(conversation), seq);

  /** An UpdateItem on the message outside the transaction: the window's opening (it asks for ALL_OLD). */
  const isWindowOpening = (command: unknown) =>
    command instanceof UpdateCommand && command.input.ReturnValues === 'ALL_OLD';
  /** The reopening of a stale window: conditional on the window's start being what was read. */
  const isReopening = (command: unknown) =>
    command instanceof UpdateCommand && (command.input.ConditionExpression ?? '').includes(REACTIONS_PENDING);
  /** The summary's removal of a reaction whose count fell to zero: the one UpdateItem naming a count. */
  const isDrop = (command: unknown) =>
    command instanceof UpdateCommand && command.input.ExpressionAttributeNames?.['#count'] !== undefined;
  const isSummary = (command: unknown) =>
    command instanceof UpdateCommand && command.input.ReturnValues === 'ALL_NEW';

  describe('mine', () => {
    it('lists nothing, and sends no query, for no messages', async () => {
      const before = queries();
      expect(await reactions().mine(conversation, 'bob', [])).toEqual(new Map());
      expect(queries()).toBe(before);
    });

    it('lists only the messages asked for, not others between them', async () => {
      const seqs = [await post(), await post(), await post()];
      for (const seq of seqs) await react(seq, 'bob');
      const [first, , last] = seqs as [number, number, number];
      expect(await reactions().mine(conversation, 'bob', [first, last])).toEqual(
        new Map([
          [first, ['👍']],
          [last, ['👍']],
        ]),
      );
    });

    it('reads every page when the reactions in the range fill more than one 1 MB query page', async () => {
      // About 1 KB each (the sort key's limit is 1,024 bytes), 1,200 reach past one page. They are written in
      // the adapter's layout in batches: a react each would cost 3,600 requests.
      const reaction = 'x'.repeat(990);
      const count = 1_200;
      const key = conversationKey(conversation);
      const items = Array.from({ length: count }, (_, i) => ({
        ...keys.reaction(key, 'bob', i + 1, reaction),
        type: 'reaction',
        expiresAt: LIMITS.expiresAt,
        ttl: ttlSeconds(LIMITS.expiresAt),
      }));
      for (let i = 0; i < items.length; i += 25) {
        const { UnprocessedItems } = await table.client.send(
          new BatchWriteCommand({
            RequestItems: {
              [table.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
            },
          }),
        );
        expect(UnprocessedItems ?? {}).toEqual({});
      }

      const before = queries();
      const mine = await reactions().mine(conversation, 'bob', [1, count]);
      expect(queries() - before).toBeGreaterThan(1);
      expect(mine).toEqual(
        new Map([
          [1, [reaction]],
          [count, [reaction]],
        ]),
      );
    });
  });

  describe('react', () => {
    it('refuses a message as missing at the very instant it expires', async () => {
      const seq = await post();
      clock.advance(DAY);
      expect(await refusal(react(seq, 'bob'))).toBe('no_message');
    });

    it('opens a new window when the open one is exactly staleWindowMs old', async () => {
      const seq = await post();
      const subject = reactions({ staleWindowMs: 1_000 });
      expect((await react(seq, 'bob', '👍', true, subject)).summaryDue).toBe(true);
      clock.advance(999);
      expect((await react(seq, 'cy', '👍', true, subject)).summaryDue).toBe(false);
      clock.advance(1);
      expect((await react(seq, 'dee', '👍', true, subject)).summaryDue).toBe(true);
    });

    it('refuses as missing a message that is gone by the time the window opens (its TTL ran out)', async () => {
      const seq = await post();
      const client = steeredClient(table.client, async (command, forward) => {
        const response = await forward();
        if (command instanceof TransactWriteCommand) {
          await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: messageKey(seq) }));
        }
        return response;
      });
      expect(await refusal(react(seq, 'bob', '👍', true, reactions({ client })))).toBe('no_message');
    });

    it('of two changes racing to reopen a stale window, gives the summary to one only', async () => {
      const seq = await post();
      const subject = reactions({ staleWindowMs: 1_000 });
      await react(seq, 'bob', '👍', true, subject);
      clock.advance(1_000);
      let winner: Promise<ReactOutcome> | undefined;
      // Both read the stale window; the winner reopens it before the loser's own attempt.
      const losing = steeredClient(table.client, async (command, forward) => {
        if (winner === undefined && isReopening(command)) {
          winner = react(seq, 'dee', '👍', true, subject);
          await winner;
        }
        return forward();
      });

      const loser = await react(seq, 'cy', '👍', true, reactions({ client: losing, staleWindowMs: 1_000 }));

      expect((await winner)?.summaryDue).toBe(true);
      expect(loser).toMatchObject({ changed: true, summaryDue: false });
    });
  });

  describe('takeSummary', () => {
    it('takes no summary of a message deleted since its reactions changed', async () => {
      const seq = await post();
      await react(seq, 'bob');
      await log().amend({
        conversation,
        messageId: 'delete-1',
        from: { userId: 'ada', displayName: 'Ada' },
        text: '',
        sentAt: clock.now(),
        expiresAt: clock.now() + DAY,
        amends: { kind: 'delete', target: seq },
      });
      expect(await reactions().takeSummary(conversation, seq)).toBeUndefined();
    });

    it('keeps a reaction whose count fell to zero when it is given again before the summary drops it', async () => {
      const seq = await post();
      await react(seq, 'bob');
      await react(seq, 'bob', '👍', false);
      let regiven: Promise<ReactOutcome> | undefined;
      const racing = steeredClient(table.client, async (command, forward) => {
        if (regiven === undefined && isDrop(command)) {
          regiven = react(seq, 'cy');
          await regiven;
        }
        return forward();
      });

      expect(await reactions({ client: racing }).takeSummary(conversation, seq)).toEqual({ '👍': 0 });
      expect(regiven).toBeDefined();
      expect((await log().get(conversation, seq))?.reactions).toEqual({ '👍': 1 });
    });
  });

  describe('failures are passed on, not taken for an answer', () => {
    it('a transaction cancelled for a conflict is not taken for "already so"', async () => {
      const seq = await post();
      const client = steeredClient(table.client, (command, forward) =>
        command instanceof TransactWriteCommand
          ? Promise.reject(
              new TransactionCanceledException({
                message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
                $metadata: { httpStatusCode: 400 },
                CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
              }),
            )
          : forward(),
      );
      await expect(react(seq, 'bob', '👍', true, reactions({ client }))).rejects.toBeInstanceOf(
        TransactionCanceledException,
      );
    });

    it('a failed window opening is not taken for a missing message', async () => {
      const seq = await post();
      const client = steeredClient(table.client, (command, forward) =>
        isWindowOpening(command) ? Promise.reject(throttled()) : forward(),
      );
      await expect(react(seq, 'bob', '👍', true, reactions({ client }))).rejects.toBeInstanceOf(
        ProvisionedThroughputExceededException,
      );
    });

    it('a failed reopening of a stale window is not taken for one reopened by another change', async () => {
      const seq = await post();
      await react(seq, 'bob', '👍', true, reactions({ staleWindowMs: 1_000 }));
      clock.advance(1_000);
      const client = steeredClient(table.client, (command, forward) =>
        isReopening(command) ? Promise.reject(throttled()) : forward(),
      );
      await expect(
        react(seq, 'cy', '👍', true, reactions({ client, staleWindowMs: 1_000 })),
      ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    });

    it('a failed summary update is not taken for a missing message', async () => {
      const seq = await post();
      await react(seq, 'bob');
      const client = steeredClient(table.client, (command, forward) =>
        isSummary(command) ? Promise.reject(throttled()) : forward(),
      );
      await expect(reactions({ client }).takeSummary(conversation, seq)).rejects.toBeInstanceOf(
        ProvisionedThroughputExceededException,
      );
    });

    it('a failed removal of an emptied reaction is not taken for one given again', async () => {
      const seq = await post();
      await react(seq, 'bob');
      await react(seq, 'bob', '👍', false);
      const client = steeredClient(table.client, (command, forward) =>
        isDrop(command) ? Promise.reject(throttled()) : forward(),
      );
      await expect(reactions({ client }).takeSummary(conversation, seq)).rejects.toBeInstanceOf(
        ProvisionedThroughputExceededException,
      );
    });
  });

  // DynamoDB Local reads are always strongly consistent; DynamoDB's default read can miss a write made a
  // moment earlier, so what these reads ask for is checked on the requests themselves.
  describe('reads that follow its own writes', () => {
    it("reads a repeat's counts, a refusal's message and the user's own reactions strongly consistently", async () => {
      const reads: Record<string, unknown>[] = [];
      const client = steeredClient(table.client, (command, forward) => {
        if (command instanceof GetCommand || command instanceof QueryCommand) reads.push(command.input);
        return forward();
      });
      const subject = reactions({ client });
      const seq = await post();
      await react(seq, 'bob', '👍', true, subject);
      await react(seq, 'bob', '👍', true, subject); // a repeat: reads the counts as they are
      expect(await refusal(react(seq + 1, 'bob', '👍', true, subject))).toBe('no_message');
      await subject.mine(conversation, 'bob', [seq]);

      // The repeat's counts, the refused message, and the user's reactions to the page.
      expect(reads.length).toBeGreaterThanOrEqual(3);
      expect(reads.map((input) => input['ConsistentRead'])).toEqual(reads.map(() => true));
    });

    it('marks a reaction as such in the table', async () => {
      const seq = await post();
      await react(seq, 'bob');
      const { Item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: keys.reaction(conversationKey(conversation), 'bob', seq, '👍'),
          ConsistentRead: true,
        }),
      );
      expect(Item?.['type']).toBe('reaction');
    });
  });
});
