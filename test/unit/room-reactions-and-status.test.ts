// Unit: room reactions (ephemeral, members only) and user status (stored per user, copied onto
// memberships, shown in presence, announced like joins).

import { describe, expect, it } from '@jest/globals';
import { parseClientAction, SetStatus, type FanOutPort } from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

const alice = { userId: 'alice', displayName: 'Alice' };

describe('room reactions', () => {
  it('reach the room’s other connections, including the sender’s other tabs, and store nothing', async () => {
    const h = chatHarness();
    const aliceTab = await h.connect('alice', 'c-alice', 'Alice');
    await h.connect('alice', 'c-alice-2', 'Alice');
    await h.connect('bob', 'c-bob');
    h.clock.advance(1_000);
    h.notifier.clear();

    await h.chat.roomReaction.execute(aliceTab, { action: 'roomReaction', room: 'lobby', reaction: '🎉' });

    const event = {
      type: 'room_reaction',
      room: 'lobby',
      user: alice,
      reaction: '🎉',
      sentAt: h.clock.now(),
    };
    expect(h.notifier.ofType('c-bob', 'room_reaction')).toEqual([event]);
    expect(h.notifier.ofType('c-alice-2', 'room_reaction')).toEqual([event]);
    expect(h.notifier.eventsOf('c-alice')).toEqual([]);
    expect(h.messages.stored({ kind: 'room', room: 'lobby' })).toEqual([]);
  });

  it('are refused in a room the caller is not in', async () => {
    const h = chatHarness();
    const caller = await h.connect('alice', 'c-alice');
    await expect(
      h.chat.roomReaction.execute(caller, { action: 'roomReaction', room: 'elsewhere', reaction: '👍' }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('accept an emoji with its joiners or a short name, and refuse anything else by field', () => {
    for (const reaction of ['👍', '👨‍👩‍👧‍👦', '👍🏽', 'clap', '+1']) {
      expect(parseClientAction({ action: 'roomReaction', room: 'lobby', reaction })).toMatchObject({
        reaction,
      });
    }
    for (const reaction of ['', 'two words', 'a\u0000', 'x'.repeat(17), '\ud83d', 7, undefined]) {
      expect(() => parseClientAction({ action: 'roomReaction', room: 'lobby', reaction })).toThrow(
        expect.objectContaining({ code: 'invalid_request', details: { field: 'reaction' } }),
      );
    }
  });
});

describe('user status', () => {
  it('answers with the status, shows it in presence and announces it to the rooms the user is in', async () => {
    const h = chatHarness();
    const aliceTab = await h.connect('alice', 'c-alice', 'Alice');
    const bob = await h.connect('bob', 'c-bob', 'Bob');
    await h.chat.join.execute(aliceTab, { action: 'join', room: 'design' });
    await h.chat.join.execute(bob, { action: 'join', room: 'design' });
    h.notifier.clear();

    const reply = await h.chat.setStatus.execute(aliceTab, {
      action: 'setStatus',
      status: 'busy',
      text: 'in a call',
      requestId: 's1',
    });

    expect(reply).toEqual({ type: 'status', status: 'busy', statusText: 'in a call', requestId: 's1' });
    expect(h.notifier.ofType('c-alice', 'status')).toEqual([reply]);
    const changed = { room: 'design', user: alice, status: 'busy', statusText: 'in a call' };
    expect(h.notifier.ofType('c-bob', 'status_changed')).toEqual(
      expect.arrayContaining([
        { type: 'status_changed', ...changed },
        { type: 'status_changed', ...changed, room: 'lobby' },
      ]),
    );
    const presence = await h.chat.presence.execute(bob, { action: 'presence', room: 'design' });
    expect(presence.members).toEqual([
      { userId: 'alice', displayName: 'Alice', connections: 1, status: 'busy', statusText: 'in a call' },
      { userId: 'bob', displayName: 'Bob', connections: 1, status: 'available' },
    ]);
  });

  it('applies to every connection of the user, and to rooms they join later', async () => {
    const h = chatHarness();
    const phone = await h.connect('alice', 'c-phone', 'Alice');
    const laptop = await h.connect('alice', 'c-laptop', 'Alice');
    await h.chat.join.execute(laptop, { action: 'join', room: 'design' });

    await h.chat.setStatus.execute(phone, { action: 'setStatus', status: 'away' });

    const design = await h.chat.presence.execute(laptop, { action: 'presence', room: 'design' });
    expect(design.members).toEqual([{ ...alice, connections: 1, status: 'away' }]);
    const joined = await h.chat.join.execute(phone, { action: 'join', room: 'later' });
    expect(joined.members).toEqual([{ ...alice, connections: 1, status: 'away' }]);
    const tablet = await h.connect('alice', 'c-tablet', 'Alice');
    const another = await h.chat.join.execute(tablet, { action: 'join', room: 'another' });
    expect(another.members[0]).toMatchObject({ status: 'away' });
  });

  it('clears the text when a new status comes without one', async () => {
    const h = chatHarness();
    const caller = await h.connect('alice', 'c-alice', 'Alice');
    await h.chat.setStatus.execute(caller, { action: 'setStatus', status: 'away', text: 'lunch' });
    const reply = await h.chat.setStatus.execute(caller, { action: 'setStatus', status: 'available' });

    expect(reply).toEqual({ type: 'status', status: 'available', requestId: undefined });
    const presence = await h.chat.presence.execute(caller, { action: 'presence', room: 'lobby' });
    expect(presence.members).toEqual([{ ...alice, connections: 1, status: 'available' }]);
  });

  it('carries no text anywhere, stored or sent, for a status set without one', async () => {
    const h = chatHarness();
    const caller = await h.connect('alice', 'c-alice', 'Alice');
    await h.connect('bob', 'c-bob', 'Bob');
    h.notifier.clear();

    const reply = await h.chat.setStatus.execute(caller, {
      action: 'setStatus',
      status: 'away',
      requestId: 's',
    });

    const stored = { status: 'away', changedAt: h.clock.now() };
    expect(await h.userStatus.get('alice')).toStrictEqual(stored);
    expect(h.memberships.stored().find((m) => m.connectionId === 'c-alice')?.status).toStrictEqual(stored);
    expect(reply).toStrictEqual({ type: 'status', status: 'away', requestId: 's' });
    expect(h.notifier.ofType('c-bob', 'status_changed')).toStrictEqual([
      { type: 'status_changed', room: 'lobby', user: alice, status: 'away' },
    ]);
  });

  it('still answers when a room cannot be told of the change, and logs which', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const caller = await h.connect('alice', 'c-alice', 'Alice');
    await h.chat.join.execute(caller, { action: 'join', room: 'design' });
    const failure = new Error('fan-out unavailable');
    const broken: FanOutPort = {
      toRoom: async () => Promise.reject(failure),
      toConnections: async () => Promise.reject(failure),
      toEveryone: async () => Promise.reject(failure),
    };
    const setStatus = new SetStatus({ ...h, fanOut: broken });

    const reply = await setStatus.execute(caller, { action: 'setStatus', status: 'busy' });

    expect(reply).toMatchObject({ type: 'status', status: 'busy' });
    expect(h.notifier.ofType('c-alice', 'status')).toEqual([reply]);
    expect(h.logger.withMessage('status change not announced')).toEqual([
      { level: 'warn', message: 'status change not announced', fields: { room: 'design', error: failure } },
    ]);
  });

  it('is not announced in rooms larger than the announcement limit, but still shown in presence', async () => {
    const h = chatHarness({ announceMaxMembers: 1 });
    const caller = await h.connect('alice', 'c-alice', 'Alice');
    await h.connect('bob', 'c-bob');
    await h.connect('carol', 'c-carol');
    h.notifier.clear();

    await h.chat.setStatus.execute(caller, { action: 'setStatus', status: 'busy' });

    expect(h.notifier.ofType('c-bob', 'status_changed')).toEqual([]);
    const presence = await h.chat.presence.execute(caller, { action: 'presence', room: 'lobby' });
    expect(presence.members.find((m) => m.userId === 'alice')).toMatchObject({ status: 'busy' });
  });

  it('refuses an unknown status or an overlong text, naming the field', () => {
    expect(() => parseClientAction({ action: 'setStatus', status: 'sleeping' })).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { field: 'status' } }),
    );
    for (const text of ['x'.repeat(101), 5, 'lone \ud800']) {
      expect(() => parseClientAction({ action: 'setStatus', status: 'away', text })).toThrow(
        expect.objectContaining({ code: 'invalid_request', details: { field: 'text' } }),
      );
    }
    expect(parseClientAction({ action: 'setStatus', status: 'away', text: '  ' })).toEqual({
      action: 'setStatus',
      status: 'away',
      requestId: undefined,
    });
    expect(parseClientAction({ action: 'setStatus', status: 'away', text: ' 🍜 lunch ' })).toMatchObject({
      text: '🍜 lunch',
    });
  });
});
