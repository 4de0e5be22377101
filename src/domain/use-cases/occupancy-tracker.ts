// Use-case helper: keeps each room's occupancy counters as connections join and leave, and tells the
// room the new counts, at most once every OCCUPANCY_EVERY_MS. What large rooms show instead of members.

import type { FanOutPort } from '../fan-out/fan-out.port.js';
import type { ConnectionId } from '../model/connection.js';
import { OCCUPANCY_EVERY_MS } from '../model/occupancy.js';
import type { RoomName } from '../model/room.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { OccupancyPort } from '../ports/occupancy.port.js';

export class OccupancyTracker {
  constructor(
    private readonly deps: {
      occupancy?: OccupancyPort;
      fanOut: FanOutPort;
      clock: ClockPort;
      logger: LoggerPort;
    },
  ) {}

  /**
   * A connection joined the room; `firstOfUser` when the user had no other connection there. The
   * arriving connection is not told: it may still be inside `$connect` (where API Gateway refuses posts
   * to it), and a join's reply carries the counts.
   */
  arrived(room: RoomName, firstOfUser: boolean, connectionId: ConnectionId): Promise<void> {
    return this.move(room, 1, firstOfUser ? 1 : 0, { except: connectionId });
  }

  /**
   * A connection left the room; `lastOfUser` when the user has no connection left there. `quietly` for
   * a connection a delivery found gone: the counts move, and the next arrival or departure tells the
   * room (so finding one gone never starts a fan-out of its own).
   */
  departed(room: RoomName, lastOfUser: boolean, quietly = false): Promise<void> {
    return this.move(room, -1, lastOfUser ? -1 : 0, quietly ? 'quietly' : {});
  }

  /**
   * Counting is a side effect of joining and leaving: a failure is logged, never thrown, so it cannot
   * fail (or add an error after) the request that caused it.
   */
  private async move(
    room: RoomName,
    connections: number,
    users: number,
    tell: 'quietly' | { except?: ConnectionId },
  ): Promise<void> {
    const occupancy = this.deps.occupancy;
    if (occupancy === undefined) return;
    try {
      const counts = await occupancy.change(room, { connections, users });
      if (tell === 'quietly') return;
      if (!(await occupancy.claimAnnouncement(room, this.deps.clock.now(), OCCUPANCY_EVERY_MS))) return;
      await this.deps.fanOut.toRoom(room, { type: 'occupancy', room, ...counts }, tell);
    } catch (error) {
      this.deps.logger.warn('occupancy not updated', { room, error });
    }
  }
}
