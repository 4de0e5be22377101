// Port (driven): each room's occupancy counters, moved by arrivals and departures.

import type { Occupancy } from '../model/occupancy.js';
import type { RoomName } from '../model/room.js';

export interface OccupancyPort {
  /** Moves the room's counters by `delta` at once; resolves with the counts after (never below 0). */
  change(room: RoomName, delta: Occupancy): Promise<Occupancy>;

  /** The room's counts (zeros for a room never counted). */
  get(room: RoomName): Promise<Occupancy>;

  /**
   * Claims the right to announce the room's occupancy now: true for one caller at most per `everyMs`
   * per room, however many ask at once.
   */
  claimAnnouncement(room: RoomName, now: number, everyMs: number): Promise<boolean>;
}
