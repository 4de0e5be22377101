// Unit: occupancy. Each room's connection and user counts move as connections join, leave, disconnect
// or are found gone; `joined` carries them, and the room hears of a change at most once per interval.

import { describe, expect, it } from '@jest/globals';
import { OCCUPANCY_EVERY_MS } from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

describe('occupancy', () => {
  it('counts connections and distinct users through joins, leaves and disconnects', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const ada = await h.connect('ada', 'c-ada');
    const adaPhone = await h.connect('ada', 'c-ada-phone');
    const bob = await h.connect('bob', 'c-bob');

    await h.chat.join.execute(ada, { action: 'join', room: 'talks' });
    await h.chat.join.execute(ada, { action: 'join', room: 'talks' });
    await h.chat.join.execute(adaPhone, { action: 'join', room: 'talks' });
    const joined = await h.chat.join.execute(bob, { action: 'join', room: 'talks' });
    expect(joined.occupancy).toEqual({ connections: 3, users: 2 });

    await h.chat.leave.execute(adaPhone, { action: 'leave', room: 'talks' });
    expect(await h.occupancy.get('talks')).toEqual({ connections: 2, users: 2 });
    await h.chat.disconnect.execute('c-ada');
    expect(await h.occupancy.get('talks')).toEqual({ connections: 1, users: 1 });
  });

  it('counts a connection found gone by a fan-out as gone', async () => {
    const h = chatHarness({ lobbyRoom: null, handshakeGraceMs: 0 });
    const ada = await h.connect('ada', 'c-ada');
    const bob = await h.connect('bob', 'c-bob');
    for (const caller of [ada, bob]) await h.chat.join.execute(caller, { action: 'join', room: 'talks' });
    h.notifier.gone.add('c-bob');

    await h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'talks', text: 'anyone?' });

    expect(await h.occupancy.get('talks')).toEqual({ connections: 1, users: 1 });
  });

  it('tells the others at most once per interval, never the connection arriving', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const [ada, bob, cy] = [
      await h.connect('ada', 'c-ada'),
      await h.connect('bob', 'c-bob'),
      await h.connect('cy', 'c-cy'),
    ];
    await h.chat.join.execute(ada, { action: 'join', room: 'talks' });
    h.clock.advance(OCCUPANCY_EVERY_MS);

    await h.chat.join.execute(bob, { action: 'join', room: 'talks' });
    await h.chat.join.execute(cy, { action: 'join', room: 'talks' });
    expect(h.notifier.ofType('c-ada', 'occupancy')).toEqual([
      { type: 'occupancy', room: 'talks', connections: 2, users: 2 },
    ]);
    expect(h.notifier.ofType('c-bob', 'occupancy')).toEqual([]);

    h.clock.advance(OCCUPANCY_EVERY_MS);
    await h.chat.leave.execute(cy, { action: 'leave', room: 'talks' });
    expect(h.notifier.ofType('c-bob', 'occupancy')).toEqual([
      { type: 'occupancy', room: 'talks', connections: 2, users: 2 },
    ]);
  });

  it('answers a join without counts when they cannot be read, and logs why', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const ada = await h.connect('ada', 'c-ada');
    const failure = new Error('occupancy table unavailable');
    h.occupancy.get = async () => Promise.reject(failure);

    const joined = await h.chat.join.execute(ada, { action: 'join', room: 'talks' });

    expect(joined).toMatchObject({ type: 'joined', room: 'talks', members: [{ userId: 'ada' }] });
    expect(joined).not.toHaveProperty('occupancy');
    expect(h.notifier.ofType('c-ada', 'joined')).toEqual([joined]);
    expect(h.logger.withMessage('occupancy not read')).toEqual([
      { level: 'warn', message: 'occupancy not read', fields: { room: 'talks', error: failure } },
    ]);
  });

  it('lets joins and leaves succeed when the counts cannot be moved, and logs why', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const ada = await h.connect('ada', 'c-ada');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(ada, { action: 'join', room: 'talks' });
    const failure = new Error('occupancy table unavailable');
    h.occupancy.change = async () => Promise.reject(failure);

    await h.chat.join.execute(bob, { action: 'join', room: 'talks' });
    await h.chat.leave.execute(ada, { action: 'leave', room: 'talks' });

    expect(h.notifier.ofType('c-ada', 'member_joined')).toHaveLength(1);
    expect(h.notifier.ofType('c-bob', 'member_left')).toHaveLength(1);
    expect(h.logger.withMessage('occupancy not updated')).toEqual([
      { level: 'warn', message: 'occupancy not updated', fields: { room: 'talks', error: failure } },
      { level: 'warn', message: 'occupancy not updated', fields: { room: 'talks', error: failure } },
    ]);
  });

  it('counts a tab found gone as one connection less, the user still there, and tells nobody', async () => {
    const h = chatHarness({ lobbyRoom: null, handshakeGraceMs: 0 });
    const ada = await h.connect('ada', 'c-ada');
    const adaPhone = await h.connect('ada', 'c-ada-phone');
    const bob = await h.connect('bob', 'c-bob');
    for (const caller of [ada, adaPhone, bob]) {
      await h.chat.join.execute(caller, { action: 'join', room: 'talks' });
    }
    h.clock.advance(OCCUPANCY_EVERY_MS);
    h.notifier.clear();
    h.notifier.gone.add('c-ada-phone');

    await h.chat.sendMessage.execute(bob, { action: 'sendMessage', room: 'talks', text: 'anyone?' });

    expect(await h.memberships.isMember('talks', 'c-ada-phone')).toBe(false);
    expect(await h.occupancy.get('talks')).toEqual({ connections: 2, users: 2 });
    expect(h.notifier.recipientsOf('occupancy')).toEqual([]);
  });
});
