// Unit: the delivery loop every fan-out strategy shares, at the edges of its deadline and when things go
// wrong (a failing delivery, a gone connection that cannot be removed, a recipient list that breaks).

import { describe, expect, it } from '@jest/globals';
import {
  ConnectionJanitor,
  type ConnectionId,
  type DeliveryOptions,
  type NotifierPort,
  type ServerEvent,
} from '../../src/domain/index.js';
import { deliverUntil } from '../../src/domain/fan-out/delivery-pool.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';

const event: ServerEvent = { type: 'pong', serverTime: 1 };

async function* listOf(ids: readonly ConnectionId[], failAfter?: number): AsyncGenerator<ConnectionId> {
  for (const [i, id] of ids.entries()) {
    if (i === failAfter) throw new Error('listing failed');
    yield id;
  }
}

function rig(deliver: NotifierPort['deliver'], clock = new ManualClock(1_000)) {
  const logger = new RecordingLogger();
  const janitor = new ConnectionJanitor({
    connections: new InMemoryConnectionRegistry(clock),
    memberships: new InMemoryRoomMembership(clock),
    clock,
  });
  const notifier: NotifierPort = { deliver, close: async () => 'closed' };
  return { deps: { notifier, janitor, clock, logger, concurrency: 2 }, clock, logger, janitor };
}

describe('deliverUntil', () => {
  it('starts no delivery at the deadline itself, and lists every recipient as unserved', async () => {
    const delivered: ConnectionId[] = [];
    const { deps } = rig(async (id) => {
      delivered.push(id);
      return 'delivered';
    });
    const { report, unserved } = await deliverUntil(deps, 'room', listOf(['a', 'b', 'c']), event, 1_000);
    expect(delivered).toEqual([]);
    expect(unserved).toEqual(['a', 'b', 'c']);
    expect(report).toMatchObject({ recipients: 0, complete: true });
  });

  it('tells the notifier when a delivery must start by, and nothing without a deadline', async () => {
    const given: (DeliveryOptions | undefined)[] = [];
    const { deps } = rig(async (_id, _event, options) => {
      given.push(options);
      return 'delivered';
    });
    await deliverUntil(deps, 'room', listOf(['a']), event, 5_000);
    await deliverUntil(deps, 'room', listOf(['b']), event, undefined);
    expect(given).toEqual([{ startBy: 5_000 }, undefined]);
  });

  it('logs the unserved count only when some recipients were left unserved', async () => {
    const { deps, logger, clock } = rig(async (id) => {
      // The first delivery takes the run past its deadline.
      if (id === 'a') clock.advance(10);
      return 'delivered';
    });
    deps.concurrency = 1;
    await deliverUntil(deps, 'late-room', listOf(['a', 'b']), event, 1_005);
    await deliverUntil(deps, 'calm-room', listOf(['c']), event, 9_999);
    const lines = logger.withMessage('fan-out').map((entry) => entry.fields);
    expect(lines[0]).toMatchObject({ target: 'late-room', delivered: 1, unserved: 1 });
    expect(lines[1]).toMatchObject({ target: 'calm-room', delivered: 1 });
    expect(lines[1]).not.toHaveProperty('unserved');
    expect(logger.withMessage('fan-out stopped: could not list recipients')).toEqual([]);
  });

  it('logs a failed delivery with its target and connection, and counts it', async () => {
    const { deps, logger } = rig(async () => {
      throw new Error('socket hang up');
    });
    const { report } = await deliverUntil(deps, 'room', listOf(['a']), event, undefined);
    expect(report).toMatchObject({ recipients: 1, failed: 1 });
    expect(logger.withMessage('delivery failed')[0]?.fields).toMatchObject({
      target: 'room',
      connectionId: 'a',
    });
  });

  it('logs a gone connection it could not remove, and goes on', async () => {
    const { deps, logger, janitor } = rig(async () => 'gone');
    janitor.purgeGone = async () => {
      throw new Error('table unavailable');
    };
    const { report } = await deliverUntil(deps, 'room', listOf(['a', 'b']), event, undefined);
    expect(report).toMatchObject({ recipients: 2, gone: 2 });
    expect(
      logger.withMessage('could not remove a gone connection').map((e) => e.fields['connectionId']),
    ).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('reports a recipient list that broke as incomplete, whichever worker met it', async () => {
    for (const failAfter of [0, 1, 3]) {
      const { deps, logger } = rig(async () => 'delivered');
      deps.concurrency = 3;
      const { report } = await deliverUntil(
        deps,
        'room',
        listOf(['a', 'b', 'c', 'd'], failAfter),
        event,
        undefined,
      );
      expect([failAfter, report.complete]).toEqual([failAfter, false]);
      expect(logger.withMessage('fan-out stopped: could not list recipients')[0]?.fields).toMatchObject({
        target: 'room',
      });
    }
  });

  it('reports a list that breaks while the unserved are being listed as incomplete', async () => {
    const { deps, logger, clock } = rig(async () => {
      clock.advance(10);
      return 'delivered';
    });
    deps.concurrency = 1;
    const { report, unserved } = await deliverUntil(deps, 'room', listOf(['a', 'b', 'c'], 2), event, 1_005);
    expect(unserved).toEqual(['b']);
    expect(report.complete).toBe(false);
    expect(logger.withMessage('fan-out stopped: could not list recipients')).toHaveLength(1);
  });
});
