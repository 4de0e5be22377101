// Domain service: the default fan-out. Streams a room's members page by page and delivers with a bounded
// number of deliveries in flight, so memory stays flat however large the room is.

import type { ConnectionId } from '../model/connection.js';
import type { RoomName } from '../model/room.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { MembersPage, RoomMembershipPort } from '../ports/room-membership.port.js';
import type { ServerEvent } from '../protocol/server-events.js';
import type { ConnectionJanitor } from './connection-janitor.js';
import { deliverToEach, deliverUntil, reportWithoutDeliveries } from './delivery-pool.js';
import type { FanOutOptions, FanOutPort, FanOutReport, PreparedRoom } from './fan-out.port.js';

export interface PagedFanOutDeps {
  readonly memberships: RoomMembershipPort;
  readonly connections: ConnectionRegistryPort;
  readonly notifier: NotifierPort;
  readonly janitor: ConnectionJanitor;
  readonly clock: ClockPort;
  readonly logger: LoggerPort;
  readonly concurrency: number;
  readonly pageSize: number;
  /** Without it, an inline fan-out runs to its end however long that takes. */
  readonly overflow?: FanOutOverflow;
}

/**
 * Where an inline fan-out sends the recipients it could not serve within `afterMs`: to queue-fed workers,
 * so the invocation that took the request returns before API Gateway's integration timeout (29 s) would
 * answer the client with an error after its ack.
 */
export interface FanOutOverflow {
  readonly afterMs: number;
  handOff(recipients: readonly ConnectionId[], event: ServerEvent): Promise<void>;
}

export class PagedFanOut implements FanOutPort {
  constructor(private readonly deps: PagedFanOutDeps) {}

  async toRoom(room: RoomName, event: ServerEvent, options: FanOutOptions = {}): Promise<FanOutReport> {
    const target = `room:${room}`;
    const firstPage = options.prepared?.room === room ? options.prepared.firstPage : undefined;
    const members = this.roomMembers(room, options.except, firstPage);
    if (options.atMost !== undefined) {
      await options.onAccepted?.();
      return this.toSmallRoom(target, members, event, options.atMost);
    }
    // The answer goes out together with the first deliveries, not before them: a member waits for no
    // more round trips than the sender. Only the origin's own copy waits for it.
    const accepted = options.onAccepted?.() ?? Promise.resolve();
    const deps =
      options.origin === undefined
        ? this.deps
        : { ...this.deps, notifier: afterAnswer(this.deps.notifier, options.origin, accepted) };
    const [report] = await Promise.all([this.run(target, members, event, deps), accepted]);
    return report;
  }

  /** Starts reading the room's first page of members, for a `toRoom` that follows. */
  prepare(room: RoomName): PreparedRoom {
    const firstPage = this.deps.memberships.membersPage(room, { limit: this.deps.pageSize });
    // Awaited by the fan-out, which reads the page again if this read failed.
    firstPage.catch(() => undefined);
    return { room, firstPage };
  }

  /** Lists at most `atMost` + 1 recipients before sending anything, so a large room costs no posts. */
  private async toSmallRoom(
    target: string,
    members: AsyncIterable<ConnectionId>,
    event: ServerEvent,
    atMost: number,
  ): Promise<FanOutReport> {
    const startedAt = this.deps.clock.now();
    const recipients: ConnectionId[] = [];
    const report = (extra: Partial<FanOutReport>): FanOutReport =>
      reportWithoutDeliveries(target, this.deps.clock.now() - startedAt, extra);
    try {
      for await (const connectionId of members) {
        recipients.push(connectionId);
        if (recipients.length > atMost) {
          this.deps.logger.info('fan-out skipped: room too large', { target, atMost, event: event.type });
          return report({ skipped: 'room_too_large' });
        }
      }
    } catch (error) {
      this.deps.logger.error('fan-out stopped: could not list recipients', { target, error });
      return report({ complete: false });
    }
    return this.run(target, listed(recipients), event);
  }

  toConnections(connectionIds: readonly ConnectionId[], event: ServerEvent): Promise<FanOutReport> {
    return this.run('connections', listed(connectionIds), event);
  }

  async toEveryone(
    event: ServerEvent,
    options: Pick<FanOutOptions, 'onAccepted'> = {},
  ): Promise<FanOutReport> {
    await options.onAccepted?.();
    return this.run('everyone', this.everyone(), event);
  }

  private async *everyone(): AsyncGenerator<ConnectionId> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.connections.connectionsPage({
        limit: this.deps.pageSize,
        cursor,
      });
      for (const connection of page.connections) yield connection.connectionId;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  private async *roomMembers(
    room: RoomName,
    except: ConnectionId | undefined,
    firstPage?: Promise<MembersPage>,
  ): AsyncGenerator<ConnectionId> {
    let cursor: string | undefined;
    let prepared = firstPage;
    do {
      const read = () => this.deps.memberships.membersPage(room, { limit: this.deps.pageSize, cursor });
      const page = prepared === undefined ? await read() : await prepared.catch(read);
      prepared = undefined;
      for (const member of page.members) {
        if (member.connectionId !== except) yield member.connectionId;
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  private async run(
    target: string,
    recipients: AsyncIterator<ConnectionId>,
    event: ServerEvent,
    deps: PagedFanOutDeps = this.deps,
  ): Promise<FanOutReport> {
    const { overflow, clock, logger } = deps;
    if (overflow === undefined) return deliverToEach(deps, target, recipients, event);
    const deadline = clock.now() + overflow.afterMs;
    const { report, unserved } = await deliverUntil(deps, target, recipients, event, deadline);
    if (unserved.length === 0) return report;
    try {
      await overflow.handOff(unserved, event);
      logger.warn('fan-out overran its time: the rest went to workers', {
        target,
        handedOff: unserved.length,
      });
      return { ...report, handedOff: unserved.length };
    } catch (error) {
      // Late is better than lost: without workers, this invocation serves the rest itself.
      logger.error('fan-out overran its time and could not hand off the rest', { target, error });
      const rest = await deliverToEach(deps, target, listed(unserved), event);
      return {
        ...report,
        recipients: report.recipients + rest.recipients,
        delivered: report.delivered + rest.delivered,
        gone: report.gone + rest.gone,
        failed: report.failed + rest.failed,
        durationMs: clock.now() - (deadline - overflow.afterMs),
      };
    }
  }
}

/** The notifier, holding deliveries to `origin` until its answer is out. */
function afterAnswer(notifier: NotifierPort, origin: ConnectionId, answered: Promise<void>): NotifierPort {
  return {
    deliver: async (connectionId, event, options) => {
      if (connectionId === origin) await answered;
      return notifier.deliver(connectionId, event, options);
    },
    close: (connectionId) => notifier.close(connectionId),
  };
}

async function* listed(connectionIds: readonly ConnectionId[]): AsyncGenerator<ConnectionId> {
  yield* new Set(connectionIds);
}
