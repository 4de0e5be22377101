// Contract: the behaviour every MessageLogPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  directConversation,
  roomConversation,
  type Conversation,
  type MessageDraft,
  type MessageLogPort,
} from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface MessageLogUnderTest {
  readonly messages: MessageLogPort;
  readonly clock: ManualClock;
}

const DAY = 86_400_000;

export function messageLogContract(name: string, make: () => Promise<MessageLogUnderTest>): void {
  describe(`MessageLogPort contract: ${name}`, () => {
    let messages: MessageLogPort;
    let clock: ManualClock;
    let n = 0;
    let ids = 0;
    const room = () => roomConversation(`room-${n}`);
    const draft = (
      conversation: Conversation,
      text: string,
      extra: Partial<MessageDraft> = {},
    ): MessageDraft => {
      ids += 1;
      return {
        conversation,
        messageId: `m-${n}-${ids}`,
        from: { userId: 'alice', displayName: 'Alice' },
        text,
        sentAt: clock.now(),
        expiresAt: clock.now() + DAY,
        ...extra,
      };
    };

    async function fill(conversation: Conversation, count: number): Promise<void> {
      for (let i = 1; i <= count; i += 1) await messages.append(draft(conversation, `m${i}`));
    }

    beforeEach(async () => {
      n += 1;
      ({ messages, clock } = await make());
    });

    it('numbers each conversation from 1 without gaps and keeps the draft', async () => {
      const a = room();
      const b = directConversation(`x-${n}`, `y-${n}`);
      const first = await messages.append(draft(a, 'one'));
      await messages.append(draft(b, 'elsewhere'));
      const second = await messages.append(draft(a, 'two'));

      expect(first).toEqual({
        duplicate: false,
        message: {
          ...draft(a, 'one', { messageId: first.message.messageId }),
          sentAt: first.message.sentAt,
          seq: 1,
        },
      });
      expect(second.message.seq).toBe(2);
      expect((await messages.read(b, { limit: 10 })).messages.map((m) => m.seq)).toEqual([1]);
    });

    it('accepts a clientMsgId once per sender and conversation', async () => {
      const a = room();
      const original = await messages.append(draft(a, 'hello', { clientMsgId: 'k1' }));
      const retry = await messages.append(draft(a, 'hello again', { clientMsgId: 'k1' }));
      const otherSender = await messages.append(
        draft(a, 'mine', { clientMsgId: 'k1', from: { userId: 'bob', displayName: 'Bob' } }),
      );

      expect(retry).toEqual({ duplicate: true, message: original.message });
      expect(otherSender).toMatchObject({ duplicate: false, message: { seq: 2 } });
      expect((await messages.read(a, { limit: 10 })).messages.map((m) => m.text)).toEqual(['hello', 'mine']);
    });

    it('gives concurrent appends distinct, gap-free sequence numbers', async () => {
      const a = room();
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => messages.append(draft(a, `c${i}`))),
      );
      expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    });

    it('accepts concurrent duplicates once', async () => {
      const a = room();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => messages.append(draft(a, 'same', { clientMsgId: 'dup' }))),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.seq))).toEqual(new Set([1]));
      expect((await messages.read(a, { limit: 10 })).messages).toHaveLength(1);
    });

    it('reads the newest page, oldest first, by default', async () => {
      const a = room();
      await fill(a, 7);
      const page = await messages.read(a, { limit: 3 });
      expect(page.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
      expect(page.hasMore).toBe(true);
    });

    it('reads forward after a sequence number', async () => {
      const a = room();
      await fill(a, 7);
      const page = await messages.read(a, { after: 2, limit: 3 });
      expect([page.messages.map((m) => m.seq), page.hasMore]).toEqual([[3, 4, 5], true]);
      const end = await messages.read(a, { after: 4, limit: 3 });
      expect([end.messages.map((m) => m.seq), end.hasMore]).toEqual([[5, 6, 7], false]);
    });

    it('reads backward before a sequence number, and between bounds', async () => {
      const a = room();
      await fill(a, 7);
      const before = await messages.read(a, { before: 5, limit: 2 });
      expect([before.messages.map((m) => m.seq), before.hasMore]).toEqual([[3, 4], true]);
      const between = await messages.read(a, { after: 1, before: 5, limit: 10 });
      expect([between.messages.map((m) => m.seq), between.hasMore]).toEqual([[2, 3, 4], false]);
    });

    it('reads nothing from an empty conversation', async () => {
      expect(await messages.read(room(), { limit: 5 })).toEqual({ messages: [], hasMore: false });
    });

    it('ignores expired messages', async () => {
      const a = room();
      await messages.append(draft(a, 'old', { expiresAt: clock.now() + 10 }));
      await messages.append(draft(a, 'new'));
      clock.advance(10);
      expect((await messages.read(a, { limit: 10 })).messages.map((m) => m.text)).toEqual(['new']);
    });

    it('stores direct messages in one conversation for both directions', async () => {
      const [x, y] = [`x-${n}`, `y-${n}`];
      await messages.append(draft(directConversation(x, y), 'to y', { to: y }));
      await messages.append(
        draft(directConversation(y, x), 'to x', { to: x, from: { userId: y, displayName: y } }),
      );
      const page = await messages.read(directConversation(x, y), { limit: 10 });
      expect(page.messages.map((m) => [m.seq, m.text, m.to])).toEqual([
        [1, 'to y', y],
        [2, 'to x', x],
      ]);
    });
  });
}
