// Bench support: one room whose members are a fixed list of live connections, behind the same ports
// the DynamoDB adapters implement. The fan-out time benchmark measures delivery, not DynamoDB (the read
// cost benchmark measures that), so members come from memory, page by page like the real adapter.

import type {
  Connection,
  ConnectionId,
  ConnectionRegistryPort,
  ConnectionsPage,
  LoggerPort,
  Membership,
  MembersPage,
  RoomMembershipPort,
  RoomName,
  RoomShape,
  UserId,
} from '../../src/domain/index.js';

const HOUR = 3_600_000;

function memberOf(room: RoomName, connectionId: ConnectionId, index: number, now: number): Membership {
  return {
    room,
    connectionId,
    userId: `user-${index}`,
    displayName: `User ${index}`,
    joinedAt: now,
    expiresAt: now + HOUR,
  };
}

export class ListedRoom implements RoomMembershipPort, ConnectionRegistryPort {
  private readonly members: readonly Membership[];
  pagesRead = 0;

  constructor(
    readonly room: RoomName,
    connectionIds: readonly ConnectionId[],
    now = Date.now(),
  ) {
    this.members = connectionIds.map((id, index) => memberOf(room, id, index, now));
  }

  // --- RoomMembershipPort: what the fan-out reads ------------------------------------------------

  async membersPage(room: RoomName, options: { cursor?: string; limit: number }): Promise<MembersPage> {
    this.pagesRead += 1;
    const list = room === this.room ? this.members : [];
    const start = options.cursor === undefined ? 0 : Number(options.cursor);
    const end = start + options.limit;
    const members = list.slice(start, end);
    return end < list.length ? { members, cursor: String(end) } : { members };
  }

  /** One bucket: this room stands for the inline fan-out, whatever its size. */
  async roomShape(room: RoomName): Promise<RoomShape> {
    return { buckets: 1, approximateMembers: room === this.room ? this.members.length : 0 };
  }

  async isMember(room: RoomName, connectionId: ConnectionId): Promise<boolean> {
    return room === this.room && this.members.some((m) => m.connectionId === connectionId);
  }

  async connectionsOfUserInRoom(room: RoomName, userId: UserId): Promise<ConnectionId[]> {
    return room === this.room
      ? this.members.filter((m) => m.userId === userId).map((m) => m.connectionId)
      : [];
  }

  async roomsOf(connectionId: ConnectionId): Promise<RoomName[]> {
    return this.members.some((m) => m.connectionId === connectionId) ? [this.room] : [];
  }

  // Writes are not part of a fan-out; a gone recipient's purge is the only caller, and none is gone here.
  async add(): Promise<void> {}

  /** The listed members are fixed: a status change is not theirs to record. */
  async setStatus(): Promise<boolean> {
    return false;
  }

  async remove(): Promise<undefined> {
    return undefined;
  }

  // --- ConnectionRegistryPort: needed by the janitor only ------------------------------------------

  async register(): Promise<void> {}

  async find(connectionId: ConnectionId): Promise<Connection | undefined> {
    const member = this.members.find((m) => m.connectionId === connectionId);
    if (member === undefined) return undefined;
    const { userId, displayName, joinedAt, expiresAt } = member;
    return { connectionId, userId, displayName, connectedAt: joinedAt, expiresAt };
  }

  async connectionsOfUser(): Promise<Connection[]> {
    return [];
  }

  readonly partitions = 1;

  async connectionsPage(): Promise<ConnectionsPage> {
    return { connections: [] };
  }
}

export const silentLogger: LoggerPort = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
