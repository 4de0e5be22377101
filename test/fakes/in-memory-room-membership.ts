// Test fake for RoomMembershipPort: rooms as sorted maps split into buckets by the domain's shard plan,
// paged with an opaque cursor like the real adapter, with the same sampled count and growth rule.

import {
  bucketOf,
  bucketsForWriting,
  bucketsOfUser,
  DEFAULT_CHAT_POLICY,
  growthGraceMs,
  grownBuckets,
  isCountedConnection,
  MEMBER_COUNT_SAMPLE,
  type ClockPort,
  type ConnectionId,
  type Membership,
  type MembersPage,
  type RoomMembershipPort,
  type RoomName,
  type RoomShape,
  type UserId,
  type UserStatus,
} from '../../src/domain/index.js';

/** Members are ordered by bucket, then user, then connection, as the DynamoDB keys order them. */
const orderKey = (bucket: number, membership: Membership): string =>
  `${String(bucket).padStart(4, '0')}#${membership.userId}#${membership.connectionId}`;

interface Stored {
  readonly membership: Membership;
  readonly bucket: number;
}

export class InMemoryRoomMembership implements RoomMembershipPort {
  private readonly rooms = new Map<RoomName, Map<ConnectionId, Stored>>();
  private readonly shapes = new Map<RoomName, RoomShape>();
  /** Pages served so far, per room: lets tests see that fan-out reads page by page. */
  readonly pagesRead = new Map<RoomName, number>();
  /** Called after each page is read, with how many members it held. */
  onPage: (room: RoomName, size: number) => void = () => {};

  constructor(
    private readonly clock: ClockPort,
    private readonly options: { membersPerBucket?: number; shapeCacheMs?: number } = {},
  ) {}

  async add(membership: Membership): Promise<void> {
    let room = this.rooms.get(membership.room);
    if (room === undefined) {
      room = new Map();
      this.rooms.set(membership.room, room);
    }
    const existing = room.get(membership.connectionId);
    const shape = this.shapeOf(membership.room);
    const grace = growthGraceMs(this.options.shapeCacheMs ?? DEFAULT_CHAT_POLICY.roomShapeCacheMs);
    const bucket =
      existing?.bucket ?? bucketOf(membership.userId, bucketsForWriting(shape, this.clock.now(), grace));
    room.set(membership.connectionId, { membership, bucket });
    if (existing === undefined && isCountedConnection(membership.connectionId)) {
      this.count(membership.room, MEMBER_COUNT_SAMPLE);
    }
  }

  async remove(room: RoomName, connectionId: ConnectionId): Promise<Membership | undefined> {
    const members = this.rooms.get(room);
    const removed = members?.get(connectionId);
    members?.delete(connectionId);
    if (removed !== undefined && isCountedConnection(connectionId)) this.count(room, -MEMBER_COUNT_SAMPLE);
    return removed?.membership;
  }

  async setStatus(room: RoomName, connectionId: ConnectionId, status: UserStatus): Promise<boolean> {
    const members = this.rooms.get(room);
    const stored = members?.get(connectionId);
    if (members === undefined || stored === undefined || !this.live(stored.membership)) return false;
    members.set(connectionId, { ...stored, membership: { ...stored.membership, status } });
    return true;
  }

  async isMember(room: RoomName, connectionId: ConnectionId): Promise<boolean> {
    const stored = this.rooms.get(room)?.get(connectionId);
    return stored !== undefined && this.live(stored.membership);
  }

  async membersPage(
    room: RoomName,
    options: { cursor?: string; limit: number; bucket?: number },
  ): Promise<MembersPage> {
    const all = [...(this.rooms.get(room)?.values() ?? [])]
      .filter((stored) => options.bucket === undefined || stored.bucket === options.bucket)
      .map((stored) => ({ key: orderKey(stored.bucket, stored.membership), membership: stored.membership }))
      .sort((a, b) => compare(a.key, b.key));
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const rest = after === undefined ? all : all.filter((entry) => entry.key > after);
    const raw = rest.slice(0, options.limit);
    const last = raw[raw.length - 1];
    const members = raw.map((entry) => entry.membership).filter((membership) => this.live(membership));
    this.pagesRead.set(room, (this.pagesRead.get(room) ?? 0) + 1);
    this.onPage(room, members.length);
    return rest.length > options.limit && last !== undefined
      ? { members, cursor: encodeCursor(last.key) }
      : { members };
  }

  async roomShape(room: RoomName): Promise<RoomShape> {
    return this.shapeOf(room);
  }

  async roomsOf(connectionId: ConnectionId): Promise<RoomName[]> {
    return [...this.rooms].filter(([, members]) => members.has(connectionId)).map(([room]) => room);
  }

  async connectionsOfUserInRoom(room: RoomName, userId: UserId): Promise<ConnectionId[]> {
    const buckets = bucketsOfUser(userId, this.shapeOf(room).buckets);
    return [...(this.rooms.get(room)?.values() ?? [])]
      .filter((stored) => buckets.includes(stored.bucket))
      .map((stored) => stored.membership)
      .filter((membership) => membership.userId === userId && this.live(membership))
      .map((membership) => membership.connectionId);
  }

  /** Every membership held, expired or not. */
  stored(): Membership[] {
    return [...this.rooms.values()].flatMap((members) =>
      [...members.values()].map((stored) => stored.membership),
    );
  }

  /** The bucket a connection's membership of a room was written to, for tests of the shard plan. */
  bucketOf(room: RoomName, connectionId: ConnectionId): number | undefined {
    return this.rooms.get(room)?.get(connectionId)?.bucket;
  }

  private shapeOf(room: RoomName): RoomShape {
    return this.shapes.get(room) ?? { buckets: 1, approximateMembers: 0 };
  }

  private count(room: RoomName, delta: number): void {
    const shape = this.shapeOf(room);
    const counted = { ...shape, approximateMembers: Math.max(0, shape.approximateMembers + delta) };
    const buckets = grownBuckets(
      counted,
      this.options.membersPerBucket ?? DEFAULT_CHAT_POLICY.membersPerBucket,
    );
    // A growth during another's grace keeps the count writers still use: readers may not know either.
    const grace = growthGraceMs(this.options.shapeCacheMs ?? DEFAULT_CHAT_POLICY.roomShapeCacheMs);
    const from = bucketsForWriting(shape, this.clock.now(), grace);
    this.shapes.set(
      room,
      buckets === shape.buckets ? counted : { ...counted, buckets, growth: { from, at: this.clock.now() } },
    );
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
