// Client SDK: what the client remembers about each conversation it follows, so that it can resume it
// on a new connection: the delivery cursor, and for rooms the presence list and pending joins.

import { Timer, type Clock } from './clock.js';
import type { HistoryTarget } from './options.js';
import type {
  AmendmentEvent,
  DirectMessageEvent,
  Identity,
  PresenceEntry,
  RoomMessageEvent,
  StatusChangedEvent,
} from './protocol.js';
import { SequenceCursor, type Source } from './sequence-cursor.js';

export interface RoomSnapshot {
  readonly room: string;
  readonly members: readonly PresenceEntry[];
  /** True when the room holds more users than the snapshot lists. */
  readonly truncated: boolean;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** How a followed conversation is set up: its timers' clock and where delivery starts. */
export interface TrackSettings {
  readonly clock: Clock;
  /** How many recent messages to deliver when the conversation is first opened. */
  readonly recent: number;
  /** Resume after this sequence number instead. */
  readonly since: number | undefined;
}

/** State shared by rooms and direct conversations. */
abstract class Track<E extends RoomMessageEvent | DirectMessageEvent | AmendmentEvent> {
  readonly cursor: SequenceCursor<E>;
  /** Catch-ups (resume, gap fills) under way; gaps are not chased while one runs. */
  syncing = 0;
  readonly gapTimer: Timer;
  readonly recent: number;

  constructor(
    /** The room name, or the peer's user id. */
    protected readonly key: string,
    deliver: (event: E, source: Source) => void,
    start: TrackSettings,
  ) {
    this.cursor = new SequenceCursor(deliver, start.since);
    this.gapTimer = new Timer(start.clock);
    this.recent = start.recent;
  }

  /** What a `history` request for this conversation names. */
  abstract get target(): HistoryTarget;
}

export class RoomTrack extends Track<RoomMessageEvent | AmendmentEvent> {
  members: PresenceEntry[] = [];
  truncated = false;
  private readonly waiters: Waiter<RoomSnapshot>[] = [];

  get room(): string {
    return this.key;
  }

  get target(): HistoryTarget {
    return { room: this.key };
  }

  snapshot(): RoomSnapshot {
    return { room: this.room, members: this.members, truncated: this.truncated };
  }

  waitForJoin(): Promise<RoomSnapshot> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  settleJoin(error?: unknown): void {
    for (const waiter of this.waiters.splice(0)) {
      if (error === undefined) waiter.resolve(this.snapshot());
      else waiter.reject(error);
    }
  }

  /**
   * The last status change of each user not listed when it came (at most 256 users: a truncated list
   * leaves some out for good). Broadcasts from different invocations arrive in any order, so a newcomer's
   * status_changed may come before their member_joined.
   */
  private readonly early = new Map<string, StatusChangedEvent>();

  /**
   * Live member changes since the last snapshot was asked for: a snapshot read before one of them can
   * arrive after it, so they are applied again on top of it. Each ask starts afresh, so changes seen
   * before a lost connection are never replayed over a later connection's snapshot.
   */
  private sinceAsked?: (() => void)[];

  snapshotAsked(): void {
    this.sinceAsked = [];
  }

  /** Applies a member_joined broadcast: one entry per user, as in the service's snapshots. */
  addMember(user: Identity): void {
    this.sinceAsked?.push(() => this.addMember(user));
    if (this.members.some((member) => member.userId === user.userId)) return;
    this.members = sortMembers([...this.members, { ...user, connections: 1, status: 'available' }]);
    const early = this.early.get(user.userId);
    if (early) this.setStatus(early);
  }

  /** Applies a status_changed broadcast to the member's entry, or keeps it until they are listed. */
  setStatus(event: StatusChangedEvent): void {
    this.sinceAsked?.push(() => this.setStatus(event));
    const id = event.user.userId;
    this.early.delete(id);
    if (!this.members.some((member) => member.userId === id)) {
      if (this.early.size < 256) this.early.set(id, event);
      return;
    }
    this.members = this.members.map((member) => {
      if (member.userId !== id) return member;
      const { statusText: _dropped, ...rest } = member;
      return {
        ...rest,
        status: event.status,
        ...(event.statusText === undefined ? {} : { statusText: event.statusText }),
      };
    });
  }

  removeMember(user: Identity): void {
    this.sinceAsked?.push(() => this.removeMember(user));
    this.members = this.members.filter((member) => member.userId !== user.userId);
  }

  setMembers(members: readonly PresenceEntry[], truncated: boolean): void {
    this.members = sortMembers([...members]);
    this.truncated = truncated;
    const again = this.sinceAsked ?? [];
    this.sinceAsked = undefined;
    for (const change of again) change();
  }
}

export class DirectTrack extends Track<DirectMessageEvent | AmendmentEvent> {
  get peer(): string {
    return this.key;
  }

  get target(): HistoryTarget {
    return { with: this.key };
  }
}

export type AnyTrack = RoomTrack | DirectTrack;

/** The service's presence order: by display name, then user id. */
function sortMembers(members: PresenceEntry[]): PresenceEntry[] {
  return members.sort(
    (a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId),
  );
}
