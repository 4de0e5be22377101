// Test fake for RoomMembershipPort: rooms as sorted maps, paged with an opaque cursor like the real adapter.

import type {
  ClockPort,
  ConnectionId,
  Membership,
  MembersPage,
  RoomMembershipPort,
  RoomName,
  UserId,
} from '../../src/domain/index.js';

/** Members are ordered by user, then connection, as the DynamoDB sort key orders them. */
const orderKey = (membership: Membership): string => `${membership.userId}#${membership.connectionId}`;

export class InMemoryRoomMembership implements RoomMembershipPort {
  private readonly rooms = new Map<RoomName, Map<ConnectionId, Membership>>();
  /** Pages served so far, per room: lets tests see that fan-out reads page by page. */
  readonly pagesRead = new Map<RoomName, number>();
  /** Called after each page is read, with how many members it held. */
  onPage: (room: RoomName, size: number) => void = () => {};

  constructor(private readonly clock: ClockPort) {}

  async add(membership: Membership): Promise<void> {
    let room = this.rooms.get(membership.room);
    if (room === undefined) {
      room = new Map();
      this.rooms.set(membership.room, room);
    }
    room.set(membership.connectionId, membership);
  }

  async remove(room: RoomName, connectionId: ConnectionId): Promise<Membership | undefined> {
    const members = this.rooms.get(room);
    const removed = members?.get(connectionId);
    members?.delete(connectionId);
    return removed;
  }

  async isMember(room: RoomName, connectionId: ConnectionId): Promise<boolean> {
    const membership = this.rooms.get(room)?.get(connectionId);
    return membership !== undefined && this.live(membership);
  }

  async membersPage(room: RoomName, options: { cursor?: string; limit: number }): Promise<MembersPage> {
    const all = [...(this.rooms.get(room)?.values() ?? [])].sort((a, b) => compare(orderKey(a), orderKey(b)));
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rest = after === undefined ? all : all.filter((membership) => orderKey(membership) > after);
    const raw = rest.slice(0, options.limit);
    const last = raw[raw.length - 1];
    const members = raw.filter((membership) => this.live(membership));
    this.pagesRead.set(room, (this.pagesRead.get(room) ?? 0) + 1);
    this.onPage(room, members.length);
    return rest.length > options.limit && last !== undefined
      ? { members, cursor: encodeCursor(orderKey(last)) }
      : { members };
  }

  async roomsOf(connectionId: ConnectionId): Promise<RoomName[]> {
    return [...this.rooms].filter(([, members]) => members.has(connectionId)).map(([room]) => room);
  }

  async connectionsOfUserInRoom(room: RoomName, userId: UserId): Promise<ConnectionId[]> {
    return [...(this.rooms.get(room)?.values() ?? [])]
      .filter((membership) => membership.userId === userId && this.live(membership))
      .map((membership) => membership.connectionId);
  }

  /** Every membership held, expired or not. */
  stored(): Membership[] {
    return [...this.rooms.values()].flatMap((members) => [...members.values()]);
  }

  private live(membership: Membership): boolean {
    return membership.expiresAt > this.clock.now();
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
