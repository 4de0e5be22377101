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

    it('gets one entry by number, in its latest version, and nothing expired or missing', async () => {
      const conversation = room();
      await messages.append(draft(conversation, 'short-lived', { expiresAt: clock.now() + 1 }));
      await messages.append(draft(conversation, 'kept'));
      expect(await messages.get(conversation, 2)).toMatchObject({ seq: 2, text: 'kept' });
      expect(await messages.get(conversation, 3)).toBeUndefined();
      clock.advance(1);
      expect(await messages.get(conversation, 1)).toBeUndefined();
    });

    it('appends an edit as the next entry and applies it to its target', async () => {
      const conversation = room();
      await fill(conversation, 2);
      const edit = await messages.amend({
        ...draft(conversation, 'm1, edited'),
        amends: { kind: 'edit', target: 1 },
      });

      expect(edit).toMatchObject({ seq: 3, text: 'm1, edited', amends: { kind: 'edit', target: 1 } });
      expect(await messages.get(conversation, 1)).toMatchObject({
        text: 'm1, edited',
        editedAt: clock.now(),
      });
      const page = await messages.read(conversation, { limit: 10 });
      expect(page.messages.map((m) => [m.seq, m.text, m.amends?.kind])).toEqual([
        [1, 'm1, edited', undefined],
        [2, 'm2', undefined],
        [3, 'm1, edited', 'edit'],
      ]);
      expect(await messages.latestSeq(conversation)).toBe(3);
    });

    it('deletes a target and the text of its edits; a change to a deleted target is stored as a delete', async () => {
      const conversation = room();
      await fill(conversation, 1);
      await messages.amend({ ...draft(conversation, 'secret'), amends: { kind: 'edit', target: 1 } });
      const deleted = await messages.amend({
        ...draft(conversation, ''),
        amends: { kind: 'delete', target: 1 },
      });
      const late = await messages.amend({
        ...draft(conversation, 'too late'),
        amends: { kind: 'edit', target: 1 },
      });

      expect(deleted).toMatchObject({ seq: 3, text: '', amends: { kind: 'delete', target: 1 } });
      expect(late).toMatchObject({ seq: 4, text: '', amends: { kind: 'delete', target: 1 } });
      const page = await messages.read(conversation, { limit: 10 });
      expect(page.messages.map((m) => m.text)).toEqual(['', '', '', '']);
      expect(page.messages[0]).toMatchObject({ deletedAt: expect.any(Number) });
    });

    it('knows the last sequence number handed out, expired messages and duplicates included', async () => {
      const conversation = room();
      expect(await messages.latestSeq(conversation)).toBe(0);
      await messages.append(draft(conversation, 'short-lived', { expiresAt: clock.now() + 1 }));
      await messages.append(draft(conversation, 'kept', { clientMsgId: 'k1' }));
      await messages.append(draft(conversation, 'kept again', { clientMsgId: 'k1' }));
      clock.advance(2);
      expect(await messages.latestSeq(conversation)).toBe(2);
      expect(await messages.latestSeq(directConversation('alice', 'bob'))).toBe(0);
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

    /** Appends `count` messages; those whose seq is listed expire once the clock moves on by 10 ms. */
    async function fillExpiring(
      conversation: Conversation,
      count: number,
      expiring: number[],
    ): Promise<void> {
      for (let seq = 1; seq <= count; seq += 1) {
        const expiresAt = expiring.includes(seq) ? clock.now() + 10 : clock.now() + DAY;
        await messages.append(draft(conversation, `m${seq}`, { expiresAt }));
      }
      clock.advance(10);
    }

    const seqsAndMore = (page: { messages: readonly { seq: number }[]; hasMore: boolean }) => [
      page.messages.map((m) => m.seq),
      page.hasMore,
    ];

    // A page reads `limit` + 1 messages to learn whether there is more; an expired one among them
    // must not end the read early, or a client stops paging with live messages still unread.
    it('reads past an expired message inside the newest window, and reports more', async () => {
      const a = room();
      await fillExpiring(a, 7, [6]);
      expect(seqsAndMore(await messages.read(a, { limit: 3 }))).toEqual([[4, 5, 7], true]);
      expect(seqsAndMore(await messages.read(a, { before: 4, limit: 3 }))).toEqual([[1, 2, 3], false]);
    });

    it('reads past expired messages at both edges of a window, backward and forward', async () => {
      const a = room();
      await fillExpiring(a, 9, [9, 6]);
      expect(seqsAndMore(await messages.read(a, { limit: 3 }))).toEqual([[5, 7, 8], true]);
      const b = roomConversation(`other-${n}`);
      await fillExpiring(b, 9, [3, 6]);
      expect(seqsAndMore(await messages.read(b, { after: 2, limit: 3 }))).toEqual([[4, 5, 7], true]);
      expect(seqsAndMore(await messages.read(b, { after: 5, before: 9, limit: 2 }))).toEqual([[7, 8], false]);
    });

    it('reports more while live messages remain behind a run of expired ones', async () => {
      const a = room();
      await fillExpiring(a, 10, [4, 5, 6, 7, 8]);
      expect(seqsAndMore(await messages.read(a, { limit: 2 }))).toEqual([[9, 10], true]);
      expect(seqsAndMore(await messages.read(a, { before: 9, limit: 2 }))).toEqual([[2, 3], true]);
      expect(seqsAndMore(await messages.read(a, { after: 3, limit: 2 }))).toEqual([[9, 10], false]);
      const b = roomConversation(`other-${n}`);
      await fillExpiring(b, 6, [1, 2, 3]);
      expect(seqsAndMore(await messages.read(b, { limit: 3 }))).toEqual([[4, 5, 6], false]);
    });

    it('pages a whole conversation with expired messages scattered, each live one once', async () => {
      const a = room();
      const expiring = [2, 5, 6, 9, 12, 13, 14];
      await fillExpiring(a, 15, expiring);
      const seen: number[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await messages.read(a, { before, limit: 3 });
        seen.unshift(...page.messages.map((m) => m.seq));
        if (!page.hasMore) break;
        before = page.messages[0]?.seq;
      }
      expect(seen).toEqual([1, 3, 4, 7, 8, 10, 11, 15]);
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
