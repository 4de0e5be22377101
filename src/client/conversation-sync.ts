// Client SDK: the conversations the client follows and how each is brought up to date. A new connection
// rejoins the rooms and resumes the direct conversations after the last delivered `seq`; live messages
// go through each conversation's cursor, and a gap the cursor reports is fetched with `history`.

import { loadRecent, pageForward, type Ask } from './catch-up.js';
import type { Clock } from './clock.js';
import type { Emitter } from './emitter.js';
import { RoomcastError } from './errors.js';
import type { Link } from './link.js';
import type { ClientEvents, JoinOptions, RoomcastClientOptions } from './options.js';
import type {
  AmendmentEvent,
  DirectMessageEvent,
  Identity,
  MemberJoinedEvent,
  MemberLeftEvent,
  PresenceEntry,
  RoomMessageEvent,
  StatusChangedEvent,
} from './protocol.js';
import type { SequenceCursor } from './sequence-cursor.js';
import { DirectTrack, RoomTrack, type AnyTrack, type RoomSnapshot, type TrackSettings } from './tracks.js';

export interface ConversationSyncDeps {
  readonly clock: Clock;
  readonly events: Emitter<ClientEvents>;
  readonly options: Pick<RoomcastClientOptions, 'recentMessages' | 'gapWaitMs'>;
  /** The client's own request on one connection (not requeued when the connection goes). */
  askOn(link: Link): Ask;
  write(link: Link, text: string): boolean;
  abandon(link: Link): void;
  /** The connection serving the application, possibly still catching up. */
  primary(): Link | undefined;
  /** Writes the requests that waited for a room's join. */
  flush(): void;
}

/** A refusal from the service (not a timeout or a lost connection): the conversation cannot be followed. */
function refused(error: unknown): error is RoomcastError {
  return error instanceof RoomcastError && error.code !== 'timeout' && error.code !== 'closed';
}

export class ConversationSync {
  private readonly rooms = new Map<string, RoomTrack>();
  private readonly directs = new Map<string, DirectTrack>();
  private me: Identity | undefined;
  /** Direct messages that arrived before this connection's identity was known. */
  private unrouted: (DirectMessageEvent | AmendmentEvent)[] = [];

  constructor(private readonly deps: ConversationSyncDeps) {}

  get identity(): Identity | undefined {
    return this.me;
  }

  room(name: string): RoomTrack | undefined {
    return this.rooms.get(name);
  }

  roomNames(): string[] {
    return [...this.rooms.keys()];
  }

  /** Starts following a room; the join happens now if a connection is ready, else when one is. */
  followRoom(room: string, options: JoinOptions): Promise<RoomSnapshot> {
    const track = new RoomTrack(
      room,
      (entry, source) => {
        if (entry.type === 'message') this.deps.events.emit('message', { message: entry, source });
        // An edit or a delete: one call for both, as each event carries its own change.
        else
          this.deps.events.emit(entry.type, {
            change: entry,
            room,
            source,
          } as ClientEvents[typeof entry.type]);
      },
      this.settings(options),
    );
    this.rooms.set(room, track);
    const joined = track.waitForJoin();
    const link = this.deps.primary();
    if (link?.ready === true) void this.syncRoom(link, track);
    return joined;
  }

  /** Stops following a room; whoever waited for its join is told it was left. */
  unfollowRoom(room: string): RoomTrack | undefined {
    const track = this.rooms.get(room);
    if (track === undefined) return undefined;
    this.rooms.delete(room);
    track.gapTimer.stop();
    track.settleJoin(new RoomcastError('closed', `Left "${room}" before it was joined`));
    return track;
  }

  /** Follows a direct conversation and, on a ready connection, brings it up to date. */
  async openDirect(peer: string, options: JoinOptions): Promise<void> {
    const track = this.directTrack(peer, options);
    const link = this.deps.primary();
    if (link?.ready === true && !link.synced.has(peer)) await this.syncDirect(link, track);
  }

  /** The client was closed: rooms stay followed (a later connect rejoins them), nobody waits on them. */
  close(): void {
    for (const track of this.tracks()) track.gapTimer.stop();
    for (const track of this.rooms.values())
      track.settleJoin(new RoomcastError('closed', 'The client was closed before the room was joined'));
  }

  /** Brings a new connection level with what the application has seen. */
  async catchUp(link: Link): Promise<void> {
    const me = await this.deps.askOn(link)({ action: 'whoami' });
    this.me = me.user;
    this.deps.events.emit('identity', me);
    for (const event of this.unrouted.splice(0)) this.routeDirect(event);
    // Rooms or conversations opened while catching up are picked up by the next round.
    for (;;) {
      const rooms = [...this.rooms.values()].filter((track) => !this.joinedOrJoining(link, track.room));
      const peers = [...this.directs.values()].filter((track) => !link.synced.has(track.peer));
      if (rooms.length === 0 && peers.length === 0) return;
      await Promise.all([
        ...rooms.map((track) => this.syncRoom(link, track, true)),
        ...peers.map((track) => this.syncDirect(link, track, true)),
      ]);
    }
  }

  /** After a planned reconnect: rooms followed while the replacement caught up are joined on it. */
  resumeRooms(link: Link): void {
    for (const track of this.rooms.values())
      if (!this.joinedOrJoining(link, track.room)) void this.syncRoom(link, track);
  }

  routeRoomMessage(event: RoomMessageEvent | AmendmentEvent): void {
    if (event.room === undefined) return;
    const track = this.rooms.get(event.room);
    if (track === undefined) return;
    track.cursor.offer(event, 'live');
    this.chaseGap(track);
  }

  routeDirect(event: DirectMessageEvent | AmendmentEvent): void {
    if (this.me === undefined) {
      this.unrouted.push(event);
      return;
    }
    const peer = peerOf(event, this.me.userId);
    if (peer === undefined) return;
    const track = this.directTrack(peer);
    track.cursor.offer(event, 'live');
    this.chaseGap(track);
    const link = this.deps.primary();
    if (link?.ready === true && !link.synced.has(peer) && track.syncing === 0)
      void this.syncDirect(link, track);
  }

  /** Applies a `member_joined` or `member_left` broadcast to the room's member list. */
  memberChanged(event: MemberJoinedEvent | MemberLeftEvent): void {
    const track = this.rooms.get(event.room);
    if (track === undefined) return;
    if (event.type === 'member_joined') track.addMember(event.user);
    else track.removeMember(event.user);
    this.deps.events.emit('presence', track.snapshot());
  }

  statusChanged(event: StatusChangedEvent): void {
    const track = this.rooms.get(event.room);
    if (track === undefined) return;
    track.setStatus(event);
    this.deps.events.emit('presence', track.snapshot());
  }

  /** A member list is on its way for this room: changes that come meanwhile are applied again on it. */
  presenceAsked(room: string): void {
    this.rooms.get(room)?.snapshotAsked();
  }

  applyPresence(room: string, members: readonly PresenceEntry[], truncated: boolean): void {
    const track = this.rooms.get(room);
    if (track === undefined) return;
    track.setMembers(members, truncated);
    this.deps.events.emit('presence', track.snapshot());
  }

  private settings(options: JoinOptions): TrackSettings {
    return {
      clock: this.deps.clock,
      recent: options.recent ?? this.deps.options.recentMessages ?? 50,
      since: options.since,
    };
  }

  private tracks(): AnyTrack[] {
    return [...this.rooms.values(), ...this.directs.values()];
  }

  private joinedOrJoining(link: Link, room: string): boolean {
    return link.joined.has(room) || link.joining.has(room);
  }

  private directTrack(peer: string, options: JoinOptions = {}): DirectTrack {
    let track = this.directs.get(peer);
    if (track === undefined) {
      track = new DirectTrack(
        peer,
        (entry, source) => {
          if (entry.type === 'direct') this.deps.events.emit('direct', { message: entry, peer, source });
          // An edit or a delete: one call for both, as each event carries its own change.
          else
            this.deps.events.emit(entry.type, {
              change: entry,
              peer,
              source,
            } as ClientEvents[typeof entry.type]);
        },
        this.settings(options),
      );
      this.directs.set(peer, track);
    }
    return track;
  }

  /**
   * Joins a room on a connection and delivers what the application has not seen: the recent messages
   * on a first join, or everything after the last delivered `seq` (the `missed` list, then `history`
   * pages while `hasMore`). With `strict`, a lost connection fails the caller (catching up aborts).
   */
  private async syncRoom(link: Link, track: RoomTrack, strict = false): Promise<void> {
    const room = track.room;
    const ask = this.deps.askOn(link);
    link.joining.add(room);
    track.syncing += 1;
    try {
      const since = track.cursor.lastDelivered;
      track.snapshotAsked();
      const joined = await ask(
        since === undefined ? { action: 'join', room } : { action: 'join', room, since },
      );
      if (this.rooms.get(room) !== track) {
        // Left while the join was on its way.
        if (link.writable) this.deps.write(link, JSON.stringify({ action: 'leave', room }));
        return;
      }
      this.applyPresence(room, joined.members, joined.truncated);
      if (since === undefined) {
        await loadRecent(ask, track.target, track.cursor, track.recent);
      } else {
        for (const message of joined.missed ?? []) track.cursor.offer(message, 'missed');
        const after = joined.missed?.at(-1)?.seq ?? since;
        await pageForward(ask, track.target, track.cursor, after, joined.hasMore === true);
      }
      link.joined.add(room);
      track.settleJoin();
      this.deps.flush();
    } catch (error) {
      if (refused(error)) {
        // The service refused the room (e.g. an invalid name): stop following it.
        if (this.rooms.get(room) === track) this.rooms.delete(room);
        track.settleJoin(error);
        // Requests that waited for the join now go and get their own answer.
        this.deps.flush();
        return;
      }
      if (strict) throw error;
      if (!link.closed) this.deps.abandon(link);
    } finally {
      link.joining.delete(room);
      track.syncing -= 1;
      this.chaseGap(track);
    }
  }

  private async syncDirect(link: Link, track: DirectTrack, strict = false): Promise<void> {
    track.syncing += 1;
    try {
      const after = track.cursor.lastDelivered;
      const ask = this.deps.askOn(link);
      if (after === undefined) await loadRecent(ask, track.target, track.cursor, track.recent);
      else await pageForward(ask, track.target, track.cursor, after, true);
      link.synced.add(track.peer);
    } catch (error) {
      if (refused(error)) {
        this.directs.delete(track.peer);
        return;
      }
      if (strict) throw error;
      if (!link.closed) this.deps.abandon(link);
    } finally {
      track.syncing -= 1;
      this.chaseGap(track);
    }
  }

  /**
   * Messages held back behind a missing one: wait briefly (it is usually just late, as fan-outs run
   * concurrently), then fetch the range with `history`.
   */
  private chaseGap(track: AnyTrack): void {
    if (track.syncing > 0 || track.gapTimer.pending || track.cursor.gap() === undefined) return;
    track.gapTimer.start(this.deps.options.gapWaitMs ?? 1_000, () => void this.fillGap(track));
  }

  private async fillGap(track: AnyTrack): Promise<void> {
    const gap = track.cursor.gap();
    const link = this.deps.primary();
    if (gap === undefined || link === undefined || !link.ready) return;
    if (track instanceof RoomTrack && !link.joined.has(track.room)) return;
    track.syncing += 1;
    try {
      const cursor = track.cursor as SequenceCursor<RoomMessageEvent | DirectMessageEvent>;
      await pageForward(this.deps.askOn(link), track.target, cursor, gap.after, true, gap.before);
      // What history does not hold there no longer exists (retention): go on from the held messages.
      if (track.cursor.gap()?.before === gap.before) track.cursor.skipTo(gap.before);
    } catch {
      // The next catch-up on a new connection reads the same range.
    } finally {
      track.syncing -= 1;
      this.chaseGap(track);
    }
  }
}

/** The other user of a direct conversation entry, as this user sees it (themselves when writing to self). */
function peerOf(event: DirectMessageEvent | AmendmentEvent, me: string): string | undefined {
  if (event.type === 'direct') return event.from.userId === me ? event.to : event.from.userId;
  const users = event.users;
  if (users === undefined) return undefined;
  return users[0] === me ? users[1] : users[0];
}
