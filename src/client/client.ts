// Client SDK: the roomcast client. Owns the connection (reconnects with backoff, keeps it alive, replaces
// it before API Gateway's 2-hour limit), matches replies to requests, and turns the service's
// best-effort live delivery into an exactly-once, in-order stream per room and direct conversation.

import { backoffDelay } from './backoff.js';
import { loadRecent, pageForward, type Ask } from './catch-up.js';
import { systemClock, Timer, type Clock, type Random } from './clock.js';
import { Emitter } from './emitter.js';
import { RoomcastError } from './errors.js';
import { IdSource } from './ids.js';
import { Link } from './link.js';
import type {
  ClientEvents,
  ConnectionState,
  HistoryOptions,
  HistoryTarget,
  JoinOptions,
  RoomcastClientOptions,
  SendOptions,
} from './options.js';
import {
  parseServerFrame,
  type AckEvent,
  type DirectMessageEvent,
  type ErrorEvent,
  type HistoryEvent,
  type Identity,
  type MemberJoinedEvent,
  type MemberLeftEvent,
  type PongEvent,
  type PresenceEntry,
  type ReplyOf,
  type RoomMessageEvent,
  type TypingEvent,
} from './protocol.js';
import { Requests, type RequestBody } from './requests.js';
import type { SequenceCursor } from './sequence-cursor.js';
import { defaultWebSocket, type SocketCloseEvent, type WebSocketFactory } from './socket.js';
import { DirectTrack, RoomTrack, type RoomSnapshot } from './tracks.js';

export type {
  ClientEvents,
  ConnectionState,
  HistoryOptions,
  HistoryTarget,
  JoinOptions,
  RoomcastClientOptions,
  SendOptions,
} from './options.js';

export class RoomcastClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly ids: IdSource;
  private readonly options: RoomcastClientOptions;
  private readonly reconnectTimer: Timer;
  private Socket: WebSocketFactory | undefined;
  private currentState: ConnectionState = 'closed';
  private stopped = true;
  /** Counts connect() calls, so an attempt begun before a close() cannot come back after it. */
  private session = 0;
  private attempt = 0;
  private rotationAttempt = 0;
  private linkCount = 0;
  private primary: Link | undefined;
  private standby: Link | undefined;
  private me: Identity | undefined;
  private readonly requests: Requests;
  private readonly rooms = new Map<string, RoomTrack>();
  private readonly directs = new Map<string, DirectTrack>();
  /** Direct messages that arrived before this connection's identity was known. */
  private unrouted: DirectMessageEvent[] = [];

  constructor(options: RoomcastClientOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.ids = new IdSource(this.random);
    this.reconnectTimer = new Timer(this.clock);
    this.requests = new Requests({
      clock: this.clock,
      random: this.random,
      ids: this.ids,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      write: (link, text) => this.write(link, text),
      // An application request left unanswered on an open socket may mean a dead connection: probe it.
      unanswered: (link) => void this.request(link, { action: 'ping' }).catch(() => this.abandon(link)),
    });
  }

  // --- public surface ------------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The identity of the current connection, once known. */
  get identity(): Identity | undefined {
    return this.me;
  }

  on<K extends keyof ClientEvents>(type: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  /**
   * Starts connecting; the client then stays connected until `close()`. Throws only when there is no
   * WebSocket implementation to use; connection failures are retried, never thrown.
   */
  connect(): void {
    if (!this.stopped) return;
    this.Socket ??= this.options.WebSocket ?? defaultWebSocket();
    this.stopped = false;
    this.session += 1;
    this.attempt = 0;
    this.setState('connecting');
    void this.dial('primary');
  }

  /** Closes the connection for good: pending requests fail with `closed`. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reconnectTimer.stop();
    for (const link of [this.primary, this.standby]) if (link !== undefined) this.shut(link);
    this.primary = undefined;
    this.standby = undefined;
    this.requests.failAll();
    for (const track of [...this.rooms.values(), ...this.directs.values()]) track.gapTimer.stop();
    // Rooms stay followed (a later connect() rejoins them), but nobody should wait on this connection.
    for (const track of this.rooms.values())
      track.settleJoin(new RoomcastError('closed', 'The client was closed before the room was joined'));
    this.setState('closed');
  }

  /**
   * Joins a room and follows it across reconnections. Resolves once joined (recent messages or, with
   * `since`, the missed ones delivered) with the member list.
   */
  joinRoom(room: string, options: JoinOptions = {}): Promise<RoomSnapshot> {
    const known = this.rooms.get(room);
    if (known !== undefined) {
      return this.primary?.ready === true && this.primary.joined.has(room)
        ? Promise.resolve(known.snapshot())
        : known.waitForJoin();
    }
    const track = new RoomTrack(
      room,
      (message, source) => this.events.emit('message', { message, source }),
      this.clock,
      options.recent ?? this.recentMessages,
      options.since,
    );
    this.rooms.set(room, track);
    const joined = track.waitForJoin();
    if (this.primary?.ready === true) void this.syncRoom(this.primary, track);
    return joined;
  }

  /** Stops following a room and leaves it. */
  async leaveRoom(room: string): Promise<void> {
    const track = this.rooms.get(room);
    if (track === undefined) return;
    this.rooms.delete(room);
    track.gapTimer.stop();
    track.settleJoin(new RoomcastError('closed', `Left "${room}" before it was joined`));
    const live = this.currentState === 'open' ? this.primary : undefined;
    for (const link of [this.primary, this.standby]) {
      if (link === undefined) continue;
      // A connection still catching up may already be in the room; new ones start outside it.
      if (link !== live && (link.joined.has(room) || link.joining.has(room)))
        this.write(link, JSON.stringify({ action: 'leave', room }));
      link.joined.delete(room);
    }
    if (live !== undefined) await this.enqueue({ action: 'leave', room });
  }

  /** Rooms followed with `joinRoom`. */
  joinedRooms(): string[] {
    return [...this.rooms.keys()];
  }

  /** The member list of a followed room as last reported. */
  members(room: string): readonly PresenceEntry[] {
    return this.rooms.get(room)?.members ?? [];
  }

  /**
   * Follows a direct conversation: delivers its recent messages (or those after `since`) and resumes it
   * after reconnections. Conversations are opened on their own when a direct message arrives.
   */
  async openDirect(peer: string, options: JoinOptions = {}): Promise<void> {
    const track = this.directTrack(peer, options);
    if (this.primary?.ready === true && !this.primary.synced.has(peer))
      await this.syncDirect(this.primary, track);
  }

  /** Posts to a room. Resolves with the `ack` (`duplicate: true` when a retry found the original). */
  send(room: string, text: string, options: SendOptions = {}): Promise<AckEvent> {
    const clientMsgId = options.clientMsgId ?? this.ids.clientMsgId();
    return this.enqueue({ action: 'sendMessage', room, text, clientMsgId }, { gateRoom: room, clientMsgId });
  }

  /** Sends a direct message; it is also delivered to this client's `direct` listeners. */
  async sendDirect(to: string, text: string, options: SendOptions = {}): Promise<AckEvent> {
    const clientMsgId = options.clientMsgId ?? this.ids.clientMsgId();
    const ack = await this.enqueue({ action: 'sendDirect', to, text, clientMsgId }, { clientMsgId });
    // The sending connection gets only the ack; the conversation shown to the application includes
    // its own messages, so the event is rebuilt from what was sent and acknowledged.
    if (this.me !== undefined) {
      this.routeDirect({
        type: 'direct',
        from: this.me,
        to,
        seq: ack.seq,
        messageId: ack.messageId,
        text,
        sentAt: ack.sentAt,
      });
    }
    return ack;
  }

  /** Signals typing in a room. Fire and forget: dropped while disconnected. */
  typing(room: string, isTyping = true): void {
    const link = this.primary;
    if (this.currentState !== 'open' || link === undefined) return;
    if (this.rooms.has(room) && !link.joined.has(room)) return;
    this.write(link, JSON.stringify({ action: 'typing', room, isTyping }));
  }

  /** Asks for a room's member list (and updates `members(room)`). */
  async presence(room: string): Promise<RoomSnapshot> {
    const reply = await this.enqueue({ action: 'presence', room }, { gateRoom: room });
    const track = this.rooms.get(room);
    if (track !== undefined) this.applyPresence(track, reply.members, reply.truncated);
    return { room, members: reply.members, truncated: reply.truncated };
  }

  /** Reads one page of history as it is, e.g. older messages (`before`) for scrolling back. */
  history(target: HistoryTarget, options: HistoryOptions = {}): Promise<HistoryEvent> {
    return this.enqueue(
      { action: 'history', ...target, ...options },
      'room' in target ? { gateRoom: target.room } : {},
    );
  }

  ping(): Promise<PongEvent> {
    return this.enqueue({ action: 'ping' });
  }

  // --- connections ---------------------------------------------------------------------------------

  private get recentMessages(): number {
    return this.options.recentMessages ?? 50;
  }

  private setState(next: ConnectionState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.events.emit('state', { state: next, previous });
  }

  private async connectUrl(): Promise<string> {
    const token = this.options.token;
    const params = new URLSearchParams(this.options.query ?? {});
    if (token !== undefined) params.set('token', typeof token === 'string' ? token : await token());
    const query = params.toString();
    if (query === '') return this.options.url;
    return `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}${query}`;
  }

  private async dial(role: 'primary' | 'standby'): Promise<void> {
    const session = this.session;
    const current = () => !this.stopped && session === this.session;
    let url: string;
    try {
      url = await this.connectUrl();
    } catch {
      if (current()) this.failedToOpen(role);
      return;
    }
    if (!current() || (role === 'standby' && this.primary === undefined)) return;
    let link: Link;
    try {
      // Browsers throw at once on a malformed URL; that is retried like any failed attempt.
      link = new Link((this.linkCount += 1), new (this.Socket as WebSocketFactory)(url), this.clock);
    } catch {
      this.failedToOpen(role);
      return;
    }
    if (role === 'primary') this.primary = link;
    else this.standby = link;
    const socket = link.socket;
    socket.onopen = () => this.opened(link);
    socket.onmessage = (event) => this.received(link, event.data);
    socket.onclose = (event) => this.lost(link, event);
    // An error is always followed by a close, which is where recovery happens.
    socket.onerror = () => undefined;
    link.handshake.start(this.options.connectTimeoutMs ?? 10_000, () => this.abandon(link));
  }

  /** A connection attempt that never produced a socket (token function or constructor threw). */
  private failedToOpen(role: 'primary' | 'standby'): void {
    if (role === 'primary') this.retry();
    else this.scheduleRotation();
  }

  private opened(link: Link): void {
    link.opened = true;
    link.handshake.stop();
    this.restartKeepalive(link);
    void this.catchUp(link).then(
      () => this.ready(link),
      () => this.abandon(link),
    );
  }

  /** Brings a new connection level with what the application has seen. */
  private async catchUp(link: Link): Promise<void> {
    const me = await this.request(link, { action: 'whoami' });
    this.me = me.user;
    this.events.emit('identity', me);
    const early = this.unrouted.splice(0);
    for (const event of early) this.routeDirect(event);
    // Rooms or conversations opened while catching up are picked up by the next round.
    for (;;) {
      const rooms = [...this.rooms.values()].filter(
        (track) => !link.joined.has(track.room) && !link.joining.has(track.room),
      );
      const peers = [...this.directs.values()].filter((track) => !link.synced.has(track.peer));
      if (rooms.length === 0 && peers.length === 0) return;
      await Promise.all([
        ...rooms.map((track) => this.syncRoom(link, track, true)),
        ...peers.map((track) => this.syncDirect(link, track, true)),
      ]);
    }
  }

  private ready(link: Link): void {
    if (link.closed) return;
    link.ready = true;
    if (link === this.standby) {
      // Planned reconnect: the new connection has caught up, so the old one can go.
      const old = this.primary;
      this.primary = link;
      this.standby = undefined;
      if (old !== undefined) this.shut(old);
      for (const track of this.rooms.values())
        if (!link.joined.has(track.room) && !link.joining.has(track.room)) void this.syncRoom(link, track);
    }
    if (link !== this.primary) return;
    this.attempt = 0;
    this.rotationAttempt = 0;
    link.age.start(this.options.maxConnectionAgeMs ?? 110 * 60_000, () => this.rotate(link));
    this.setState('open');
    this.flush();
  }

  /** Opens the replacement connection; the current one keeps serving until it has caught up. */
  private rotate(link: Link): void {
    if (this.stopped || link !== this.primary || this.standby !== undefined) return;
    void this.dial('standby');
  }

  private scheduleRotation(): void {
    const link = this.primary;
    if (link === undefined || !link.ready) return;
    const delay = backoffDelay(this.rotationAttempt, this.options.reconnect ?? {}, this.random);
    this.rotationAttempt += 1;
    link.age.start(delay, () => this.rotate(link));
  }

  /** Closes a connection on purpose; what was pending on it is written again elsewhere. */
  private shut(link: Link): void {
    this.release(link);
    try {
      link.socket.close(1000, 'Client closed');
    } catch {
      // Closing a socket that is still connecting may throw; it is detached either way.
    }
  }

  /** Gives up on a connection that stopped answering, as if it had been closed under us. */
  private abandon(link: Link): void {
    if (link.closed) return;
    this.shut(link);
    this.afterLoss(link);
  }

  private lost(link: Link, _event: SocketCloseEvent): void {
    if (link.closed) return;
    this.release(link);
    this.afterLoss(link);
  }

  /** Detaches a connection and moves its unanswered requests back to the outbox. */
  private release(link: Link): void {
    link.detach();
    this.requests.release(link, !this.stopped);
  }

  private afterLoss(link: Link): void {
    if (this.stopped) return;
    if (link === this.standby) {
      this.standby = undefined;
      this.scheduleRotation();
      return;
    }
    if (link !== this.primary) return;
    if (this.standby !== undefined) {
      // The old connection died during a planned reconnect: the new one, still catching up, takes over.
      this.primary = this.standby;
      this.standby = undefined;
      this.setState('reconnecting');
      return;
    }
    this.primary = undefined;
    this.retry();
  }

  /** Schedules the next attempt. `connecting` lasts until the first success; after that, `reconnecting`. */
  private retry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.options.reconnect ?? {}, this.random);
    this.attempt += 1;
    if (this.currentState === 'open') this.setState('reconnecting');
    this.reconnectTimer.start(delay, () => void this.dial('primary'));
  }

  private restartKeepalive(link: Link): void {
    link.keepalive.start(this.options.keepaliveMs ?? 5 * 60_000, () => {
      // A ping left unanswered means a connection that died silently (a sleeping laptop, a NAT).
      this.request(link, { action: 'ping' }).catch(() => this.abandon(link));
    });
  }

  private write(link: Link, text: string): boolean {
    if (!link.writable) return false;
    try {
      link.socket.send(text);
    } catch {
      this.abandon(link);
      return false;
    }
    this.restartKeepalive(link);
    return true;
  }

  // --- requests ------------------------------------------------------------------------------------

  /** An application request: queued while disconnected, written again after a reconnect. */
  private enqueue<B extends RequestBody>(
    body: B,
    options: { gateRoom?: string; clientMsgId?: string } = {},
  ): Promise<ReplyOf[B['action']]> {
    if (this.stopped) {
      const extra = options.clientMsgId === undefined ? {} : { clientMsgId: options.clientMsgId };
      return Promise.reject(
        new RoomcastError('closed', 'The client is not connected: call connect()', extra),
      );
    }
    const reply = this.requests.queue(body, options);
    this.flush();
    return reply;
  }

  /** The client's own request on one connection (catching up, keepalive): not requeued. */
  private request<B extends RequestBody>(link: Link, body: B): Promise<ReplyOf[B['action']]> {
    return this.requests.send(link, body);
  }

  private askOn(link: Link): Ask {
    return (body) => this.request(link, body);
  }

  /** Writes what the outbox holds once the connection has caught up; room sends wait for their join. */
  private flush(): void {
    const link = this.primary;
    if (this.currentState !== 'open' || link === undefined || !link.ready) return;
    this.requests.flush(link, (request) => {
      const gate = request.gateRoom;
      return gate !== undefined && this.rooms.has(gate) && !link.joined.has(gate);
    });
  }

  // --- incoming frames -----------------------------------------------------------------------------

  private received(link: Link, data: unknown): void {
    const frame = parseServerFrame(data);
    if (frame === undefined) return;
    this.events.emit('frame', frame);
    if (this.requests.answer(link, frame)) return;
    switch (frame['type']) {
      case 'message':
        this.routeRoomMessage(frame as unknown as RoomMessageEvent);
        return;
      case 'direct':
        this.routeDirect(frame as unknown as DirectMessageEvent);
        return;
      case 'member_joined': {
        const event = frame as unknown as MemberJoinedEvent;
        const track = this.rooms.get(event.room);
        if (track !== undefined) {
          track.addMember(event.user);
          this.events.emit('presence', track.snapshot());
        }
        this.events.emit('member_joined', event);
        return;
      }
      case 'member_left': {
        const event = frame as unknown as MemberLeftEvent;
        const track = this.rooms.get(event.room);
        if (track !== undefined) {
          track.removeMember(event.user);
          this.events.emit('presence', track.snapshot());
        }
        this.events.emit('member_left', event);
        return;
      }
      case 'typing':
        this.events.emit('typing', frame as unknown as TypingEvent);
        return;
      case 'error':
        this.events.emit('error', frame as unknown as ErrorEvent);
        return;
      default:
        return;
    }
  }

  private routeRoomMessage(event: RoomMessageEvent): void {
    const track = this.rooms.get(event.room);
    if (track === undefined) return;
    track.cursor.offer(event, 'live');
    this.chaseGap(track);
  }

  private routeDirect(event: DirectMessageEvent): void {
    if (this.me === undefined) {
      this.unrouted.push(event);
      return;
    }
    const peer = event.from.userId === this.me.userId ? event.to : event.from.userId;
    const track = this.directTrack(peer);
    track.cursor.offer(event, 'live');
    this.chaseGap(track);
    const link = this.primary;
    if (link?.ready === true && !link.synced.has(peer) && track.syncing === 0)
      void this.syncDirect(link, track);
  }

  private directTrack(peer: string, options: JoinOptions = {}): DirectTrack {
    let track = this.directs.get(peer);
    if (track === undefined) {
      track = new DirectTrack(
        peer,
        (message, source) => this.events.emit('direct', { message, peer, source }),
        this.clock,
        options.recent ?? this.recentMessages,
        options.since,
      );
      this.directs.set(peer, track);
    }
    return track;
  }

  private applyPresence(track: RoomTrack, members: readonly PresenceEntry[], truncated: boolean): void {
    track.setMembers(members, truncated);
    this.events.emit('presence', track.snapshot());
  }

  // --- catching up ---------------------------------------------------------------------------------

  /**
   * Joins a room on a connection and delivers what the application has not seen: the recent messages
   * on a first join, or everything after the last delivered `seq` (the `missed` list, then `history`
   * pages while `hasMore`). With `strict`, a lost connection fails the caller (catching up aborts).
   */
  private async syncRoom(link: Link, track: RoomTrack, strict = false): Promise<void> {
    const room = track.room;
    link.joining.add(room);
    track.syncing += 1;
    try {
      const since = track.cursor.lastDelivered;
      const joined = await this.request(
        link,
        since === undefined ? { action: 'join', room } : { action: 'join', room, since },
      );
      if (this.rooms.get(room) !== track) {
        // Left while the join was on its way.
        if (link.writable) this.write(link, JSON.stringify({ action: 'leave', room }));
        return;
      }
      this.applyPresence(track, joined.members, joined.truncated);
      if (since === undefined) {
        await loadRecent(this.askOn(link), { room }, track.cursor, track.recent);
      } else {
        for (const message of joined.missed ?? []) track.cursor.offer(message, 'missed');
        const after = joined.missed?.at(-1)?.seq ?? since;
        await pageForward(this.askOn(link), { room }, track.cursor, after, joined.hasMore === true);
      }
      link.joined.add(room);
      track.settleJoin();
      this.flush();
    } catch (error) {
      if (error instanceof RoomcastError && error.code !== 'timeout' && error.code !== 'closed') {
        // The service refused the room (e.g. an invalid name): stop following it.
        if (this.rooms.get(room) === track) this.rooms.delete(room);
        track.settleJoin(error);
        // Requests that waited for the join now go and get their own answer.
        this.flush();
        return;
      }
      if (strict) throw error;
      if (!link.closed) this.abandon(link);
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
      const ask = this.askOn(link);
      if (after === undefined) await loadRecent(ask, { with: track.peer }, track.cursor, track.recent);
      else await pageForward(ask, { with: track.peer }, track.cursor, after, true);
      link.synced.add(track.peer);
    } catch (error) {
      if (error instanceof RoomcastError && error.code !== 'timeout' && error.code !== 'closed') {
        this.directs.delete(track.peer);
        return;
      }
      if (strict) throw error;
      if (!link.closed) this.abandon(link);
    } finally {
      track.syncing -= 1;
      this.chaseGap(track);
    }
  }

  /**
   * Messages held back behind a missing one: wait briefly (it is usually just late, as fan-outs run
   * concurrently), then fetch the range with `history`.
   */
  private chaseGap(track: RoomTrack | DirectTrack): void {
    if (track.syncing > 0 || track.gapTimer.pending || track.cursor.gap() === undefined) return;
    track.gapTimer.start(this.options.gapWaitMs ?? 1_000, () => void this.fillGap(track));
  }

  private async fillGap(track: RoomTrack | DirectTrack): Promise<void> {
    const gap = track.cursor.gap();
    const link = this.primary;
    if (gap === undefined || link === undefined || !link.ready) return;
    const target: HistoryTarget = track instanceof RoomTrack ? { room: track.room } : { with: track.peer };
    if (track instanceof RoomTrack && !link.joined.has(track.room)) return;
    track.syncing += 1;
    try {
      const cursor = track.cursor as SequenceCursor<RoomMessageEvent | DirectMessageEvent>;
      await pageForward(this.askOn(link), target, cursor, gap.after, true, gap.before);
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
