// Port (driven): who is in which room. Implemented by DynamoDB in production; rooms may hold 100,000 members.

import type { ConnectionId, Membership } from '../model/connection.js';
import type { UserId } from '../model/identity.js';
import type { RoomName } from '../model/room.js';

export interface MembersPage {
  readonly members: readonly Membership[];
  /** Opaque; pass it back to get the next page. Absent on the last page. */
  readonly cursor?: string;
}

export interface RoomMembershipPort {
  /** Adds (or refreshes) a connection's membership of a room. */
  add(membership: Membership): Promise<void>;

  /** Removes a membership and returns what was removed, or undefined when there was none. */
  remove(room: RoomName, connectionId: ConnectionId): Promise<Membership | undefined>;

  /** Whether the connection is an unexpired member of the room. */
  isMember(room: RoomName, connectionId: ConnectionId): Promise<boolean>;

  /**
   * One page of a room's unexpired members, in a stable order. A page may hold fewer than `limit`
   * members (expired records are skipped) and still have a cursor.
   */
  membersPage(room: RoomName, options: { cursor?: string; limit: number }): Promise<MembersPage>;

  /** Rooms the connection is in (for disconnect cleanup). Expired memberships included, so cleanup is complete. */
  roomsOf(connectionId: ConnectionId): Promise<RoomName[]>;

  /** The user's unexpired connections that are members of the room. */
  connectionsOfUserInRoom(room: RoomName, userId: UserId): Promise<ConnectionId[]>;
}
