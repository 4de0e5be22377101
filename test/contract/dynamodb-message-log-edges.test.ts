// Contract edges of DynamoDbMessageLog on DynamoDB Local: empty ranges, read-back, failures, idempotency.

import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  DynamoDbMessageLog,
  IdempotencyKeyBusyError,
  type DynamoDbMessageLogConfig,
} from '../../src/adapters/dynamodb/dynamodb-message-log.js';
import { keys } from '../../src/adapters/dynamodb/keys.js';
import {
  conversationKey,
  roomConversation,
  type AppendResult,
  type Conversation,
  type MessageDraft,
} from '../../src/domain/index.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { testTableForFile } from '../support/test-table-for-file.js';
import { steeredClient, throttled } from '../support/steered-client.js';

const DAY = 86_400_000;
const SENDER = { userId: 'alice', displayName: 'Alice' };

const table = testTableForFile();

describe('DynamoDbMessageLog on DynamoDB Local', () => {
  let clock: ManualClock;
  let n = 0;
  let conversation: Conversation;

  beforeEach(() => {
    clock = new ManualClock();
    // A room of its own per test: the table is shared by the whole file.
    conversation = roomConversation(`edges-${(n += 1)}`);
  });

  // Every log here sleeps on the injected clock, so no wait for a duplicate ever waits in real time.
  const log = (overrides: Partial<DynamoDbMessageLogConfig> = {}) =>
    new DynamoDbMessageLog({
      client: table.client,
      tableName: table.tableName,
      clock,
      sleep: recordedSleep().sleep,
      ...overrides,
    });

  let ids = 0;
  const draft = (text: string, extra: Partial<MessageDraft> = {}): MessageDraft => ({
    conversation,
    messageId: `m-${(ids += 1)}`,
    from: SENDER,
    text,
    sentAt: clock.now(),
    expiresAt: clock.now() + DAY,
    ...extra,
  });

  async function fill(count: number): Promise<void> {
    for (let i = 1; i <= count; i += 1) await log().append(draft(`m${i}`));
  }

  const queries = () => table.requests.get('QueryCommand') ?? 0;

  /** A sleep that moves the injected clock instead of waiting, and notes each delay. */
  function recordedSleep() {
    const waited: number[] = [];
    const sleep = async (ms: number) => {
      waited.push(ms);
      // A wait that never ends would otherwise spin until Jest's timeout.
      if (waited.length > 100) throw new Error('still waiting after 100 sleeps');
      clock.advance(ms);
    };
    return { waited, sleep };
  }

  const claimKey = (clientMsgId: string) =>
    keys.idempotency(conversationKey(conversation), SENDER.userId, clientMsgId);

  /** The takeover of a claim: the one UpdateItem a send makes on its claim outside a transaction. */
  const isTakeover = (command: unknown, clientMsgId: string) =>
    command instanceof UpdateCommand && command.input.Key?.['sk'] === claimKey(clientMsgId).sk;

  /**
   * A send that dies (its Lambda times out) after claiming its clientMsgId and drawing its number, before
   * storing the message: it leaves a claim with no number on it, as a real crash would.
   */
  async function sendThatDies(clientMsgId: string): Promise<void> {
    const dying = steeredClient(table.client, (command, forward) =>
      command instanceof TransactWriteCommand ? Promise.reject(new Error('Task timed out')) : forward(),
    );
    await expect(log({ client: dying }).append(draft('lost', { clientMsgId }))).rejects.toThrow(
      'Task timed out',
    );
  }

  describe('read', () => {
    it('reads nothing, and sends no query, when the bounds leave no number between them', async () => {
      await fill(4);
      const before = queries();
      for (const range of [{ after: 2, before: 3 }, { after: 2, before: 2 }, { before: 1 }]) {
        expect(await log().read(conversation, { ...range, limit: 5 })).toEqual({
          messages: [],
          hasMore: false,
        });
      }
      expect(queries()).toBe(before);
    });

    it('sends one query when its first page already holds one message more than asked for', async () => {
      await fill(10);
      const before = queries();
      const page = await log().read(conversation, { limit: 2 });
      expect([page.messages.map((m) => m.seq), page.hasMore]).toEqual([[9, 10], true]);
      expect(queries() - before).toBe(1);
    });
  });

  describe('what is stored is what is read back', () => {
    it('returns a plain message with no property it was not given', async () => {
      const { message } = await log().append(draft('hello'));
      expect(await log().get(conversation, message.seq)).toStrictEqual(message);
    });

    it('stores a delete entry without text, whatever text its draft carries, and reads it back as a delete', async () => {
      await fill(1);
      const entry = await log().amend({
        ...draft('text left in the draft'),
        amends: { kind: 'delete', target: 1 },
      });
      expect(entry).toMatchObject({ seq: 2, text: '', amends: { kind: 'delete', target: 1 } });
      expect((await log().read(conversation, { after: 1, limit: 5 })).messages).toStrictEqual([entry]);
    });
  });

  describe('failures', () => {
    it('passes on an amend transaction that failed for any reason but its condition, storing no delete', async () => {
      await fill(1);
      const client = steeredClient(table.client, (command, forward) =>
        command instanceof TransactWriteCommand ? Promise.reject(throttled()) : forward(),
      );
      await expect(
        log({ client }).amend({ ...draft('edited'), amends: { kind: 'edit', target: 1 } }),
      ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
      const page = await log().read(conversation, { limit: 5 });
      expect(page.messages.map((m) => [m.seq, m.text, m.amends])).toEqual([[1, 'm1', undefined]]);
    });

    it('passes on a failed claim instead of waiting on it, and draws no number', async () => {
      const client = steeredClient(table.client, (command, forward) =>
        command instanceof PutCommand && command.input.Item?.['sk'] === claimKey('k1').sk
          ? Promise.reject(throttled())
          : forward(),
      );
      await expect(log({ client }).append(draft('hello', { clientMsgId: 'k1' }))).rejects.toBeInstanceOf(
        ProvisionedThroughputExceededException,
      );
      expect(await log().latestSeq(conversation)).toBe(0);
    });

    it('passes on a failed takeover of a dead send’s claim instead of waiting', async () => {
      await sendThatDies('k1');
      clock.advance(1_000);
      const client = steeredClient(table.client, (command, forward) =>
        isTakeover(command, 'k1') ? Promise.reject(throttled()) : forward(),
      );
      await expect(
        log({ client, staleClaimMs: 1_000, duplicateWaitMs: 0 }).append(
          draft('retry', { clientMsgId: 'k1' }),
        ),
      ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    });
  });

  describe('a clientMsgId whose first send has not stored its message', () => {
    it('backs off from 20 ms, doubling up to 250 ms, until duplicateWaitMs is up, then gives up naming the key', async () => {
      await sendThatDies('k1');
      const { waited, sleep } = recordedSleep();
      const retry = log({ duplicateWaitMs: 800, sleep }).append(draft('retry', { clientMsgId: 'k1' }));

      await expect(retry).rejects.toBeInstanceOf(IdempotencyKeyBusyError);
      await expect(retry).rejects.toMatchObject({
        name: 'IdempotencyKeyBusyError',
        message: expect.stringContaining('clientMsgId k1 '),
      });
      // 20 + 40 + 80 + 160 + 250 + 250 = 800: the deadline is reached exactly, and that ends the wait.
      expect(waited).toEqual([20, 40, 80, 160, 250, 250]);
      // Number 1 went to the send that died; the retry drew none.
      expect(await log().latestSeq(conversation)).toBe(1);
    });

    it('waits, and then gives up, when the claim names a number whose message is gone, rather than storing the send again', async () => {
      await log().append(draft('first'));
      // A claim that already names number 7, whose message is no longer in the table (removed by hand
      // here, as an expired one is by TTL).
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...claimKey('k9'),
            type: 'idempotency',
            messageId: 'm-gone',
            claimedAt: clock.now(),
            expiresAt: clock.now() + DAY,
            seq: 7,
          },
        }),
      );
      const retry = log({ duplicateWaitMs: 800 }).append(draft('again', { clientMsgId: 'k9' }));
      await expect(retry).rejects.toBeInstanceOf(IdempotencyKeyBusyError);
      expect(await log().latestSeq(conversation)).toBe(1);
    });

    it('returns the first send’s message once it is stored while the duplicate waits', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let storing!: () => void;
      const atStore = new Promise<void>((resolve) => (storing = resolve));
      // The first send holds its store until the duplicate has found its claim and started waiting.
      const held = steeredClient(table.client, async (command, forward) => {
        if (command instanceof TransactWriteCommand) {
          storing();
          await released;
        }
        return forward();
      });
      const first = log({ client: held }).append(draft('hello', { clientMsgId: 'k1' }));
      await atStore;

      const waited: number[] = [];
      const duplicate = await log({
        sleep: async (ms) => {
          waited.push(ms);
          release();
          await first;
          clock.advance(ms);
        },
      }).append(draft('hello again', { clientMsgId: 'k1' }));
      // Lets the first send finish even if the duplicate never waited, so a failure shows instead of a hang.
      release();

      expect(duplicate).toEqual({ duplicate: true, message: (await first).message });
      expect(waited).toEqual([20]);
    });

    it('takes over the claim of a send that died once the claim is exactly staleClaimMs old', async () => {
      await sendThatDies('k1');
      clock.advance(1_000);
      const retry = await log({ staleClaimMs: 1_000, duplicateWaitMs: 0 }).append(
        draft('found', { clientMsgId: 'k1' }),
      );

      expect(retry).toMatchObject({ duplicate: false, message: { seq: 2, text: 'found' } });
      const again = await log().append(draft('once more', { clientMsgId: 'k1' }));
      expect(again).toEqual({ duplicate: true, message: retry.message });
      expect((await log().read(conversation, { limit: 5 })).messages.map((m) => m.text)).toEqual(['found']);
    });

    it('lets one of two retries racing to take over a dead send’s claim store, and the other return its message', async () => {
      await sendThatDies('k1');
      clock.advance(1_000);
      const { sleep } = recordedSleep();
      let winner: Promise<AppendResult> | undefined;
      // The loser has read the stale claim too, but the winner takes it over before the loser's own attempt.
      const losing = steeredClient(table.client, async (command, forward) => {
        if (winner === undefined && isTakeover(command, 'k1')) {
          winner = log({ staleClaimMs: 1_000 }).append(draft('winner', { clientMsgId: 'k1' }));
          await winner;
        }
        return forward();
      });

      const loser = await log({ client: losing, staleClaimMs: 1_000, sleep }).append(
        draft('loser', { clientMsgId: 'k1' }),
      );

      const won = await winner;
      expect(won).toMatchObject({ duplicate: false, message: { seq: 2, text: 'winner' } });
      expect(loser).toEqual({ duplicate: true, message: won?.message });
      expect((await log().read(conversation, { limit: 5 })).messages.map((m) => m.text)).toEqual(['winner']);
    });
  });

  // DynamoDB Local reads are always strongly consistent; DynamoDB's default read can miss a write made a
  // moment earlier, so what these reads ask for is checked on the requests themselves.
  describe('reads that follow its own writes', () => {
    it("reads a repeated send's claim and original, and a deleted message's edits, strongly consistently", async () => {
      const gets: Record<string, unknown>[] = [];
      const client = steeredClient(table.client, (command, forward) => {
        if (command instanceof GetCommand) gets.push(command.input);
        return forward();
      });
      const subject = log({ client });
      const first = await subject.append(draft('once', { clientMsgId: 'c1' }));
      const again = await subject.append(draft('once', { clientMsgId: 'c1' }));
      expect(again).toEqual({ duplicate: true, message: first.message });
      const target = first.message.seq;
      await subject.amend({ ...draft('edited'), amends: { kind: 'edit', target } });
      await subject.amend({ ...draft(''), amends: { kind: 'delete', target } });

      // The claim and the original of the repeat, then the deleted message's list of edits.
      expect(gets.length).toBeGreaterThanOrEqual(3);
      expect(gets.map((input) => input['ConsistentRead'])).toEqual(gets.map(() => true));
    });

    it('reads the latest number strongly consistently, so a join just after a send counts it', async () => {
      const gets: Record<string, unknown>[] = [];
      const client = steeredClient(table.client, (command, forward) => {
        if (command instanceof GetCommand) gets.push(command.input);
        return forward();
      });
      await log().append(draft('counted'));
      expect(await log({ client }).latestSeq(conversation)).toBe(1);
      expect(gets).toEqual([expect.objectContaining({ ConsistentRead: true })]);
    });

    it('marks a claim as an idempotency record in the table', async () => {
      await log().append(draft('once', { clientMsgId: 'c2' }));
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: claimKey('c2'), ConsistentRead: true }),
      );
      expect(Item?.['type']).toBe('idempotency');
    });
  });
});
