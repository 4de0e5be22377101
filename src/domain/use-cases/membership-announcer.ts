// Use-case helper: tells a room that a user arrived or left, once per user rather than once per tab,
// and only in rooms small enough for that to be worth a post to every member (`announceMaxMembers`).

import type { ConnectionId } from '../model/connection.js';
import type { Identity } from '../model/identity.js';
import type { RoomName } from '../model/room.js';
import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { OccupancyTracker } from './occupancy-tracker.js';

/** A counted arrival whose `member_joined` (if it is the user's first connection) is still to go out. */
export interface Arrival {
  announce(): Promise<FanOutReport | undefined>;
}

export class MembershipAnnouncer {
  constructor(
    private readonly deps: {
      memberships: RoomMembershipPort;
      fanOut: FanOutPort;
      maxMembers: number;
      /** Counts arrivals and departures (occupancy); absent in tools that do not count. */
      occupancy?: OccupancyTracker;
    },
  ) {}

  /** Announces `member_joined` unless the user already had another connection in the room. */
  async joined(
    room: RoomName,
    user: Identity,
    connectionId: ConnectionId,
  ): Promise<FanOutReport | undefined> {
    return (await this.arrived(room, user, connectionId)).announce();
  }

  /**
   * The arrival counted, its announcement not yet sent: a join reads the counts once this settles (so the
   * joiner is counted) while the announcement's deliveries go on.
   */
  async arrived(room: RoomName, user: Identity, connectionId: ConnectionId): Promise<Arrival> {
    const present = await this.deps.memberships.connectionsOfUserInRoom(room, user.userId);
    const firstOfUser = !present.some((id) => id !== connectionId);
    await this.deps.occupancy?.arrived(room, firstOfUser, connectionId);
    return {
      announce: async () =>
        firstOfUser
          ? this.deps.fanOut.toRoom(
              room,
              { type: 'member_joined', room, user },
              { except: connectionId, atMost: this.deps.maxMembers },
            )
          : undefined,
    };
  }

  /** Announces `member_left` only when the user has no connection left in the room. */
  async left(room: RoomName, user: Identity): Promise<FanOutReport | undefined> {
    const present = await this.deps.memberships.connectionsOfUserInRoom(room, user.userId);
    await this.deps.occupancy?.departed(room, present.length === 0);
    if (present.length > 0) return undefined;
    return this.deps.fanOut.toRoom(
      room,
      { type: 'member_left', room, user },
      { atMost: this.deps.maxMembers },
    );
  }

  /** A connection found gone left the room without a word: only the counts move. */
  async vanished(room: RoomName, user: Identity): Promise<void> {
    const present = await this.deps.memberships.connectionsOfUserInRoom(room, user.userId);
    await this.deps.occupancy?.departed(room, present.length === 0, true);
  }
}
