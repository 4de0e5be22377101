// Domain model: one WebSocket connection held by API Gateway, and a user's membership of a room.

import type { Identity, UserId } from './identity.js';
import type { RoomName } from './room.js';
import type { UserStatus } from './user-status.js';

export type ConnectionId = string;

/** A live connection as recorded at `$connect`. Times are epoch milliseconds. */
export interface Connection {
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  readonly displayName: string;
  readonly connectedAt: number;
  /** After this instant the record is treated as absent even if storage still holds it. */
  readonly expiresAt: number;
}

/** A connection's presence in a room. Carries the identity so presence needs no second lookup. */
export interface Membership {
  readonly room: RoomName;
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  readonly displayName: string;
  readonly joinedAt: number;
  readonly expiresAt: number;
  /** The user's status when the membership was written or last told of a change; absent means available. */
  readonly status?: UserStatus;
}

export function membershipOf(connection: Connection, room: RoomName, joinedAt: number): Membership {
  return {
    room,
    connectionId: connection.connectionId,
    userId: connection.userId,
    displayName: connection.displayName,
    joinedAt,
    expiresAt: connection.expiresAt,
  };
}

export function identityOf(record: { userId: UserId; displayName: string }): Identity {
  return { userId: record.userId, displayName: record.displayName };
}
