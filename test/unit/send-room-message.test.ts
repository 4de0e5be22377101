// Unit: sending to a room stores with a sequence number, acknowledges, and fans out to the other members.

import { describe, expect, it } from '@jest/globals';
import {
  decodeFrame,
  dispatch,
  parseClientAction,
  roomConversation,
  ChatError,
  type Caller,
  HANDSHAKE_GRACE_MS,
} from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

async function inRoom(room: string) {
  const h = chatHarness();
  const alice = await h.connect('alice', 'c-alice', 'Alice');
  const alicePhone = await h.connect('alice', 'c-alice-phone', 'Alice');
  const bob = await h.connect('bob', 'c-bob', 'Bob');
  const outsider = await h.connect('olga', 'c-olga');
  for (const caller of [alice, alicePhone, bob]) await h.chat.join.execute(caller, { action: 'join', room });
  h.notifier.clear();
  return { h, alice, alicePhone, bob, outsider };
}

async function errorOf(promise: Promise<unknown>): Promise<ChatError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a ChatError');
}

describe('sendMessage', () => {
  it('delivers to every member connection: the sender’s own, its other devices and everyone else', async () => {
    const { h, alice } = await inRoom('general');

    const result = await h.chat.sendMessage.execute(alice, {
      action: 'sendMessage',
      room: 'general',
      text: 'hi',
    });

    const expected = {
      type: 'message',
      room: 'general',
      seq: 1,
      messageId: 'msg-1',
      from: { userId: 'alice', displayName: 'Alice' },
      text: 'hi',
      sentAt: h.clock.now(),
    };
    expect(h.notifier.ofType('c-bob', 'message')).toEqual([expected]);
    expect(h.notifier.ofType('c-alice-phone', 'message')).toEqual([expected]);
    expect(h.notifier.ofType('c-alice', 'message')).toEqual([expected]);
    expect(h.notifier.ofType('c-olga', 'message')).toEqual([]);
    expect(result.fanOut).toMatchObject({ recipients: 3, delivered: 3, gone: 0, failed: 0 });
  });

  it('acknowledges the sender with the sequence number before fanning out', async () => {
    const { h, alice } = await inRoom('general');
    const order: string[] = [];
    const deliver = h.notifier.deliver.bind(h.notifier);
    h.notifier.deliver = async (id, event) => {
      order.push(`${event.type}->${id}`);
      return deliver(id, event);
    };

    await h.chat.sendMessage.execute(alice, {
      action: 'sendMessage',
      room: 'general',
      text: 'hi',
      clientMsgId: 'k1',
      requestId: 'r1',
    });

    expect(h.notifier.ofType('c-alice', 'ack')).toEqual([
      {
        type: 'ack',
        room: 'general',
        seq: 1,
        messageId: 'msg-1',
        sentAt: h.clock.now(),
        duplicate: false,
        clientMsgId: 'k1',
        requestId: 'r1',
      },
    ]);
    expect(order[0]).toBe('ack->c-alice');
  });

  it('numbers messages in order, per room, without gaps', async () => {
    const { h, alice, bob } = await inRoom('general');
    await h.chat.join.execute(alice, { action: 'join', room: 'other' });

    const seqs = [];
    for (const [caller, room] of [
      [alice, 'general'],
      [bob, 'general'],
      [alice, 'other'],
      [alice, 'general'],
    ] as const) {
      seqs.push(
        (await h.chat.sendMessage.execute(caller, { action: 'sendMessage', room, text: 'x' })).message.seq,
      );
    }

    expect(seqs).toEqual([1, 2, 1, 3]);
    expect(h.notifier.ofType('c-alice-phone', 'message').map((m) => [m.room, m.seq])).toEqual([
      ['general', 1],
      ['general', 2],
      ['general', 3],
    ]);
  });

  it('accepts the same clientMsgId once: a retry gets the original sequence and nothing is delivered twice', async () => {
    const { h, alice } = await inRoom('general');
    const send = { action: 'sendMessage', room: 'general', text: 'once', clientMsgId: 'abc' } as const;

    const first = await h.chat.sendMessage.execute(alice, send);
    const retry = await h.chat.sendMessage.execute(alice, { ...send, text: 'once (retried)' });

    expect(retry.duplicate).toBe(true);
    expect(retry.message.seq).toBe(first.message.seq);
    expect(retry.fanOut).toBeUndefined();
    expect(h.notifier.ofType('c-bob', 'message')).toHaveLength(1);
    expect(h.notifier.ofType('c-alice', 'ack').map((a) => [a.seq, a.duplicate])).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(h.messages.stored(roomConversation('general'))).toHaveLength(1);
  });

  it('treats the same clientMsgId from another user, or in another room, as a new message', async () => {
    const { h, alice, bob } = await inRoom('general');
    await h.chat.join.execute(alice, { action: 'join', room: 'other' });

    await h.chat.sendMessage.execute(alice, {
      action: 'sendMessage',
      room: 'general',
      text: 'a',
      clientMsgId: 'k',
    });
    const fromBob = await h.chat.sendMessage.execute(bob, {
      action: 'sendMessage',
      room: 'general',
      text: 'b',
      clientMsgId: 'k',
    });
    const elsewhere = await h.chat.sendMessage.execute(alice, {
      action: 'sendMessage',
      room: 'other',
      text: 'c',
      clientMsgId: 'k',
    });

    expect([fromBob.duplicate, fromBob.message.seq]).toEqual([false, 2]);
    expect([elsewhere.duplicate, elsewhere.message.seq]).toEqual([false, 1]);
  });

  it('refuses a connection that has not joined the room, and stores nothing', async () => {
    const { h, outsider } = await inRoom('general');

    const error = await errorOf(
      h.chat.sendMessage.execute(outsider, { action: 'sendMessage', room: 'general', text: 'let me in' }),
    );

    expect(error.code).toBe('not_a_member');
    expect(h.messages.stored(roomConversation('general'))).toEqual([]);
    expect(h.notifier.recipientsOf('message')).toEqual([]);
  });

  it('refuses text longer than the limit, counted in characters', async () => {
    const { h, alice } = await inRoom('general');
    const limit = h.policy.maxTextChars;

    const atLimit = await h.chat.sendMessage.execute(alice, {
      action: 'sendMessage',
      room: 'general',
      text: '😀'.repeat(limit / 4),
    });
    expect(atLimit.message.seq).toBe(1);

    const error = await errorOf(
      h.chat.sendMessage.execute(alice, {
        action: 'sendMessage',
        room: 'general',
        text: 'a'.repeat(limit + 1),
      }),
    );
    expect(error.code).toBe('message_too_large');
  });

  it('refuses a message whose event would not fit in one 32 KB frame', async () => {
    const h = chatHarness({ maxTextChars: 20_000 });
    const alice = await h.connect('alice', 'c-alice');
    const text = '€'.repeat(11_000); // 33,000 bytes as UTF-8, fewer characters than the limit

    const error = await errorOf(h.chat.sendMessage.execute(alice, { action: 'sendMessage', text }));

    expect(error.code).toBe('message_too_large');
    expect(error.details).toMatchObject({ maxFrameBytes: 32 * 1024 });
    expect(h.messages.stored(roomConversation('lobby'))).toEqual([]);
  });

  it('removes a stale recipient while the others still receive, and never the sender', async () => {
    const { h, alice } = await inRoom('general');
    h.notifier.gone.add('c-bob');
    h.clock.advance(HANDSHAKE_GRACE_MS); // past the handshake grace: gone now means stale

    const result = await h.chat.sendMessage.execute(alice, {
      action: 'sendMessage',
      room: 'general',
      text: 'hi',
    });

    expect(result.fanOut).toMatchObject({ delivered: 2, gone: 1 });
    expect(h.notifier.ofType('c-alice-phone', 'message')).toHaveLength(1);
    expect(await h.connections.find('c-bob')).toBeUndefined();
    expect(h.memberships.stored().some((m) => m.connectionId === 'c-bob')).toBe(false);
    expect(await h.connections.find('c-alice')).toBeDefined();
    expect(await h.memberships.isMember('general', 'c-alice')).toBe(true);
  });

  it('still fans out when the ack cannot be delivered', async () => {
    const { h, alice } = await inRoom('general');
    h.notifier.failing.add('c-alice');

    await h.chat.sendMessage.execute(alice, { action: 'sendMessage', room: 'general', text: 'hi' });

    expect(h.notifier.ofType('c-bob', 'message')).toHaveLength(1);
    expect(h.logger.withMessage('reply not delivered')).toHaveLength(1);
  });

  it('logs the fan-out outcome with its counts', async () => {
    const { h, alice } = await inRoom('general');

    await h.chat.sendMessage.execute(alice, { action: 'sendMessage', room: 'general', text: 'hi' });

    expect(h.logger.withMessage('fan-out').at(-1)?.fields).toMatchObject({
      target: 'room:general',
      event: 'message',
      seq: 1,
      recipients: 3,
      delivered: 3,
      gone: 0,
      failed: 0,
    });
  });

  it('takes the sender from the connection, whatever the body claims', async () => {
    const { h, alice } = await inRoom('general');
    const body = decodeFrame(
      '{"action":"sendMessage","room":"general","text":"hi","from":"bob","sender":"bob","userId":"bob"}',
    );

    await dispatch(h.chat, alice, parseClientAction(body));

    expect(h.notifier.ofType('c-bob', 'message')[0]?.from).toEqual({ userId: 'alice', displayName: 'Alice' });
    expect(h.messages.stored(roomConversation('general'))[0]?.from.userId).toBe('alice');
  });

  it('delivers the classic walkthrough line to everyone in the lobby', async () => {
    const h = chatHarness();
    const callers: Caller[] = [];
    for (const user of ['ann', 'ben', 'cat']) callers.push(await h.connect(user, `c-${user}`));

    const frame = '{"action":"sendMessage","data":"hello world"}';
    await dispatch(h.chat, callers[0] as Caller, parseClientAction(decodeFrame(frame)));

    for (const id of ['c-ben', 'c-cat']) {
      expect(h.notifier.ofType(id, 'message').map((m) => [m.room, m.text])).toEqual([
        ['lobby', 'hello world'],
      ]);
    }
    expect(h.notifier.ofType('c-ann', 'ack')).toHaveLength(1);
  });

  it('needs a room when the lobby is switched off', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const alice = await h.connect('alice', 'c-alice');

    const error = await errorOf(h.chat.sendMessage.execute(alice, { action: 'sendMessage', text: 'hi' }));

    expect(error.code).toBe('invalid_room');
  });
});
