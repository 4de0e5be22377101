// Port (driven): who is in which room. Implemented by DynamoDB in production; rooms may hold 100,000 members.

import type { ConnectionId, Membership } from '../model/connection.js';
import type { UserId } from '../model/identity.js';
import type { RoomName } from '../model/room.js';
import type { UserStatus } from '../model/user-status.js';
import type { RoomShape } from '../fan-out/shard-plan.js';

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

  /**
   * Stores the user's new status on one membership, so presence reads it with the members. Resolves
   * false when the connection is not (or no longer) in the room: nothing is written then.
   */
  setStatus(room: RoomName, connectionId: ConnectionId, status: UserStatus): Promise<boolean>;

  /** Whether the connection is an unexpired member of the room. */
  isMember(room: RoomName, connectionId: ConnectionId): Promise<boolean>;

  /**
   * One page of a room's unexpired members, in a stable order. A page may hold fewer than `limit`
   * members (expired records are skipped) and still have a cursor. Without `bucket`, the pages walk
   * every bucket of the room in turn; with it, only that bucket (one shard of a sharded fan-out).
   */
  membersPage(
    room: RoomName,
    options: { cursor?: string; limit: number; bucket?: number },
  ): Promise<MembersPage>;

  /**
   * How the room's members are spread: its bucket count (readers list buckets 0 to count - 1) and an
   * approximate member count. A room that was never counted has one bucket.
   */
  roomShape(room: RoomName): Promise<RoomShape>;

  /** Rooms the connection is in (for disconnect cleanup). Expired memberships included, so cleanup is complete. */
  roomsOf(connectionId: ConnectionId): Promise<RoomName[]>;

  /** The user's unexpired connections that are members of the room. */
  connectionsOfUserInRoom(room: RoomName, userId: UserId): Promise<ConnectionId[]>;
}
