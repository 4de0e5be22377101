// Unit: direct messages reach every device of the recipient and the sender's other devices, and are kept.

import { describe, expect, it } from '@jest/globals';
import { directConversation, HANDSHAKE_GRACE_MS } from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

async function twoUsers() {
  const h = chatHarness();
  const alice = await h.connect('alice', 'c-alice', 'Alice');
  await h.connect('alice', 'c-alice-phone', 'Alice');
  await h.connect('bob', 'c-bob-laptop', 'Bob');
  await h.connect('bob', 'c-bob-phone', 'Bob');
  await h.connect('carol', 'c-carol');
  h.notifier.clear();
  return { h, alice };
}

describe('sendDirect', () => {
  it('delivers to every connection of the recipient and the sender’s other connections', async () => {
    const { h, alice } = await twoUsers();

    const result = await h.chat.sendDirect.execute(alice, { action: 'sendDirect', to: 'bob', text: 'psst' });

    const expected = {
      type: 'direct',
      from: { userId: 'alice', displayName: 'Alice' },
      to: 'bob',
      seq: 1,
      messageId: 'msg-1',
      text: 'psst',
      sentAt: h.clock.now(),
    };
    for (const id of ['c-bob-laptop', 'c-bob-phone', 'c-alice-phone']) {
      expect(h.notifier.ofType(id, 'direct')).toEqual([expected]);
    }
    expect(h.notifier.ofType('c-alice', 'direct')).toEqual([]);
    expect(h.notifier.ofType('c-carol', 'direct')).toEqual([]);
    expect(h.notifier.ofType('c-alice', 'ack')).toEqual([
      { type: 'ack', to: 'bob', seq: 1, messageId: 'msg-1', sentAt: h.clock.now(), duplicate: false },
    ]);
    expect(result.fanOut).toMatchObject({ recipients: 3, delivered: 3 });
  });

  it('keeps one conversation for both directions, numbered in order', async () => {
    const { h, alice } = await twoUsers();
    const bob = {
      connectionId: 'c-bob-phone',
      identity: { userId: 'bob', displayName: 'Bob' },
      connectedAt: 0,
    };

    await h.chat.sendDirect.execute(alice, { action: 'sendDirect', to: 'bob', text: '1' });
    await h.chat.sendDirect.execute(bob, { action: 'sendDirect', to: 'alice', text: '2' });

    expect(
      h.messages.stored(directConversation('bob', 'alice')).map((m) => [m.seq, m.from.userId, m.to]),
    ).toEqual([
      [1, 'alice', 'bob'],
      [2, 'bob', 'alice'],
    ]);
  });

  it('stores a message for an offline user, who reads it later with history', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');

    const result = await h.chat.sendDirect.execute(alice, {
      action: 'sendDirect',
      to: 'dave',
      text: 'later',
    });
    expect(result.fanOut).toMatchObject({ recipients: 0, delivered: 0 });

    const dave = await h.connect('dave', 'c-dave');
    const history = await h.chat.history.execute(dave, { action: 'history', target: { with: 'alice' } });
    expect(history.messages.map((m) => ('text' in m ? m.text : ''))).toEqual(['later']);
  });

  it('accepts a clientMsgId once', async () => {
    const { h, alice } = await twoUsers();
    const send = { action: 'sendDirect', to: 'bob', text: 'hi', clientMsgId: 'dm-1' } as const;

    await h.chat.sendDirect.execute(alice, send);
    const retry = await h.chat.sendDirect.execute(alice, send);

    expect(retry).toMatchObject({ duplicate: true, message: { seq: 1 } });
    expect(h.notifier.ofType('c-bob-phone', 'direct')).toHaveLength(1);
  });

  it('removes a recipient device that is gone and still reaches the others', async () => {
    const { h, alice } = await twoUsers();
    h.notifier.gone.add('c-bob-laptop');
    h.clock.advance(HANDSHAKE_GRACE_MS); // past the handshake grace: gone now means stale

    const result = await h.chat.sendDirect.execute(alice, { action: 'sendDirect', to: 'bob', text: 'hi' });

    expect(result.fanOut).toMatchObject({ delivered: 2, gone: 1 });
    expect(await h.connections.find('c-bob-laptop')).toBeUndefined();
    expect(h.notifier.ofType('c-bob-phone', 'direct')).toHaveLength(1);
  });

  it('lets a user write to themself, reaching their other devices once', async () => {
    const { h, alice } = await twoUsers();
    const reads: string[] = [];
    const { connectionsOfUser } = h.connections;
    h.connections.connectionsOfUser = async (userId) => {
      reads.push(userId);
      return connectionsOfUser.call(h.connections, userId);
    };

    const result = await h.chat.sendDirect.execute(alice, {
      action: 'sendDirect',
      to: 'alice',
      text: 'note',
    });

    expect(result.fanOut).toMatchObject({ recipients: 1 });
    expect(h.notifier.ofType('c-alice-phone', 'direct')).toHaveLength(1);
    // Sender and recipient are one user: their connections are read once.
    expect(reads).toEqual(['alice']);
  });
});
