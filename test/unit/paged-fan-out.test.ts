// Unit: the fan-out engine streams members page by page, bounds concurrency, and cleans up gone recipients.

import { describe, expect, it } from '@jest/globals';
import { ConnectionJanitor, PagedFanOut, type Membership, type ServerEvent } from '../../src/domain/index.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { RecordingNotifier } from '../fakes/recording-notifier.js';

const HOUR = 3_600_000;
const event: ServerEvent = { type: 'pong', serverTime: 0 };

function setup(options: { concurrency: number; pageSize: number }) {
  const clock = new ManualClock();
  const connections = new InMemoryConnectionRegistry(clock);
  const memberships = new InMemoryRoomMembership(clock);
  const notifier = new RecordingNotifier();
  const logger = new RecordingLogger();
  const janitor = new ConnectionJanitor({ connections, memberships, clock });
  const fanOut = new PagedFanOut({ memberships, connections, notifier, janitor, clock, logger, ...options });

  async function member(
    room: string,
    connectionId: string,
    userId = `user-${connectionId}`,
  ): Promise<Membership> {
    const expiresAt = clock.now() + HOUR;
    await connections.register({
      connectionId,
      userId,
      displayName: userId,
      // Connected a while ago: past the handshake grace, so a 410 means stale.
      connectedAt: clock.now() - 60_000,
      expiresAt,
    });
    const membership = { room, connectionId, userId, displayName: userId, joinedAt: clock.now(), expiresAt };
    await memberships.add(membership);
    return membership;
  }
  return { clock, connections, memberships, notifier, logger, janitor, fanOut, member };
}

describe('PagedFanOut', () => {
  it('delivers to a 10,000-member room page by page without exceeding the concurrency bound', async () => {
    const { fanOut, memberships, notifier, member } = setup({ concurrency: 25, pageSize: 100 });
    for (let i = 0; i < 10_000; i += 1) await member('huge', `c${String(i).padStart(5, '0')}`);
    notifier.yieldOnDeliver = true;

    // Members fetched but not yet delivered must stay within one page plus the workers' share:
    // the engine never loads the whole room.
    let fetched = 0;
    let maxOutstanding = 0;
    memberships.onPage = (_room, size) => {
      fetched += size;
      maxOutstanding = Math.max(maxOutstanding, fetched - notifier.deliveries);
    };

    const report = await fanOut.toRoom('huge', event);

    expect(report).toMatchObject({
      recipients: 10_000,
      delivered: 10_000,
      gone: 0,
      failed: 0,
      complete: true,
    });
    expect(memberships.pagesRead.get('huge')).toBe(100);
    expect(notifier.maxInFlight).toBe(25);
    expect(maxOutstanding).toBeLessThanOrEqual(100 + 25);
    expect(new Set(notifier.recipientsOf('pong')).size).toBe(10_000);
  });

  it('removes a stale recipient while the others still receive', async () => {
    const { fanOut, notifier, member, connections, memberships } = setup({ concurrency: 4, pageSize: 2 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await member('room', id);
    await member('other', 'c');
    notifier.gone.add('c');

    const report = await fanOut.toRoom('room', event);

    expect(report).toMatchObject({ recipients: 5, delivered: 4, gone: 1, failed: 0 });
    expect(notifier.recipientsOf('pong').sort()).toEqual(['a', 'b', 'd', 'e']);
    expect(await connections.find('c')).toBeUndefined();
    expect(memberships.stored().filter((m) => m.connectionId === 'c')).toEqual([]);
    expect(await connections.find('a')).toBeDefined();
  });

  it('skips the excluded connection and never removes it because another recipient is gone', async () => {
    const { fanOut, notifier, member, connections } = setup({ concurrency: 2, pageSize: 10 });
    for (const id of ['sender', 'x', 'stale']) await member('room', id);
    notifier.gone.add('stale');

    const report = await fanOut.toRoom('room', event, { except: 'sender' });

    expect(report).toMatchObject({ recipients: 2, delivered: 1, gone: 1 });
    expect(notifier.eventsOf('sender')).toEqual([]);
    expect(await connections.find('sender')).toBeDefined();
    expect(await connections.find('stale')).toBeUndefined();
  });

  it('counts a failed delivery, keeps that recipient and carries on', async () => {
    const { fanOut, notifier, member, connections, logger } = setup({ concurrency: 3, pageSize: 10 });
    for (const id of ['a', 'b', 'c']) await member('room', id);
    notifier.failing.add('b');

    const report = await fanOut.toRoom('room', event);

    expect(report).toMatchObject({ recipients: 3, delivered: 2, gone: 0, failed: 1, complete: true });
    expect(await connections.find('b')).toBeDefined();
    expect(logger.withMessage('delivery failed')).toHaveLength(1);
  });

  it('reports an incomplete fan-out when listing members fails part-way', async () => {
    const { fanOut, memberships, member, logger } = setup({ concurrency: 2, pageSize: 2 });
    for (const id of ['a', 'b', 'c', 'd']) await member('room', id);
    const realPage = memberships.membersPage.bind(memberships);
    let calls = 0;
    memberships.membersPage = async (room, options) => {
      calls += 1;
      if (calls === 2) throw new Error('throttled');
      return realPage(room, options);
    };

    const report = await fanOut.toRoom('room', event);

    expect(report).toMatchObject({ delivered: 2, complete: false });
    expect(logger.withMessage('fan-out stopped: could not list recipients')).toHaveLength(1);
  });

  it('sends nothing to a room larger than atMost, logs the skip and times the listing it did', async () => {
    const { fanOut, memberships, member, notifier, logger, clock } = setup({ concurrency: 2, pageSize: 2 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await member('room', id);
    const realPage = memberships.membersPage.bind(memberships);
    memberships.membersPage = async (room, options) => {
      clock.advance(7);
      return realPage(room, options);
    };

    const report = await fanOut.toRoom('room', event, { atMost: 2 });

    // Two pages of two were enough to find a third recipient: 14 ms on the injected clock.
    expect(report).toEqual({
      target: 'room:room',
      recipients: 0,
      delivered: 0,
      gone: 0,
      failed: 0,
      durationMs: 14,
      complete: true,
      skipped: 'room_too_large',
    });
    expect(notifier.deliveries).toBe(0);
    expect(logger.withMessage('fan-out skipped: room too large').map((entry) => entry.fields)).toEqual([
      { target: 'room:room', atMost: 2, event: 'pong' },
    ]);
  });

  it('sends nothing and reports an incomplete fan-out when a room bounded by atMost cannot be listed', async () => {
    const { fanOut, memberships, member, notifier, logger } = setup({ concurrency: 2, pageSize: 2 });
    for (const id of ['a', 'b', 'c']) await member('room', id);
    const realPage = memberships.membersPage.bind(memberships);
    const throttled = new Error('throttled');
    let calls = 0;
    memberships.membersPage = async (room, options) => {
      calls += 1;
      if (calls === 2) throw throttled;
      return realPage(room, options);
    };

    const report = await fanOut.toRoom('room', event, { atMost: 10 });

    // The first page's members are not sent to alone: an announcement reaches the whole room or nobody.
    expect(report).toMatchObject({ target: 'room:room', recipients: 0, delivered: 0, complete: false });
    expect(report.skipped).toBeUndefined();
    expect(notifier.deliveries).toBe(0);
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        message: 'fan-out stopped: could not list recipients',
        fields: { target: 'room:room', error: throttled },
      },
    ]);
  });

  it('keeps going when removing a gone recipient fails', async () => {
    const { fanOut, notifier, member, janitor, logger } = setup({ concurrency: 1, pageSize: 10 });
    for (const id of ['a', 'b', 'c']) await member('room', id);
    notifier.gone.add('a');
    janitor.purge = async () => {
      throw new Error('table unavailable');
    };

    const report = await fanOut.toRoom('room', event);

    expect(report).toMatchObject({ delivered: 2, gone: 1 });
    expect(logger.withMessage('could not remove a gone connection')).toHaveLength(1);
  });

  it('skips expired members', async () => {
    const { fanOut, notifier, member, memberships, clock } = setup({ concurrency: 2, pageSize: 10 });
    await member('room', 'live');
    await memberships.add({
      room: 'room',
      connectionId: 'zombie',
      userId: 'z',
      displayName: 'z',
      joinedAt: clock.now(),
      expiresAt: clock.now() - 1,
    });

    const report = await fanOut.toRoom('room', event);

    expect(report.recipients).toBe(1);
    expect(notifier.recipientsOf('pong')).toEqual(['live']);
  });

  it('delivers to every live connection of the service, page by page', async () => {
    const { fanOut, notifier, member, connections, clock } = setup({ concurrency: 3, pageSize: 4 });
    for (let i = 0; i < 10; i += 1) await member(`room-${i % 3}`, `conn-${i}`);
    await connections.register({
      connectionId: 'expired',
      userId: 'x',
      displayName: 'x',
      connectedAt: 0,
      expiresAt: clock.now(),
    });
    notifier.gone.add('conn-3');

    const report = await fanOut.toEveryone(event);

    expect(report).toMatchObject({
      target: 'everyone',
      recipients: 10,
      delivered: 9,
      gone: 1,
      complete: true,
    });
    expect(notifier.recipientsOf('pong')).toHaveLength(9);
    expect(await connections.find('conn-3')).toBeUndefined();
  });

  it('keeps a connection reported gone while its handshake may still be running', async () => {
    const { fanOut, notifier, member, connections, clock } = setup({ concurrency: 2, pageSize: 10 });
    await member('room', 'old');
    const now = clock.now();
    await connections.register({
      connectionId: 'opening',
      userId: 'u',
      displayName: 'u',
      connectedAt: now,
      expiresAt: now + HOUR,
    });
    notifier.gone.add('opening');

    const report = await fanOut.toConnections(['old', 'opening'], event);

    expect(report).toMatchObject({ delivered: 1, gone: 1 });
    expect(await connections.find('opening')).toBeDefined();
    clock.advance(30_000);
    await fanOut.toConnections(['opening'], event);
    expect(await connections.find('opening')).toBeUndefined();
  });

  it('delivers to a list of connections once each', async () => {
    const { fanOut, notifier } = setup({ concurrency: 2, pageSize: 10 });

    const report = await fanOut.toConnections(['a', 'b', 'a'], event);

    expect(report).toMatchObject({ target: 'connections', recipients: 2, delivered: 2 });
    expect(notifier.eventsOf('a')).toHaveLength(1);
  });

  it('measures its duration with the injected clock', async () => {
    const { fanOut, member, clock, notifier } = setup({ concurrency: 1, pageSize: 10 });
    await member('room', 'a');
    const deliver = notifier.deliver.bind(notifier);
    notifier.deliver = async (id, e) => {
      clock.advance(250);
      return deliver(id, e);
    };

    expect((await fanOut.toRoom('room', event)).durationMs).toBe(250);
  });
});
