// Client SDK: the roomcast client. Its connection (connection.ts) reconnects with backoff, keeps itself
// alive and is replaced before API Gateway's 2-hour limit; its requests (requests.ts) are matched to
// their replies and written again after a reconnect; its conversations (conversation-sync.ts) turn the
// service's best-effort live delivery into an exactly-once, in-order stream per room and direct
// conversation. This class is the public surface and routes incoming events between them.

import type { Ask } from './catch-up.js';
import { systemClock } from './clock.js';
import { Connection } from './connection.js';
import { ConversationSync } from './conversation-sync.js';
import { Emitter } from './emitter.js';
import { RoomcastError } from './errors.js';
import { IdSource } from './ids.js';
import type { Link } from './link.js';
import type {
  ClientEvents,
  ConnectionState,
  HistoryOptions,
  HistoryTarget,
  JoinOptions,
  RoomcastClientOptions,
  SendOptions,
} from './options.js';
import type { AckEvent, HistoryEvent, Identity, PongEvent, PresenceEntry, ReplyOf } from './protocol.js';
import { Requests, type RequestBody } from './requests.js';
import { readFrame, toServerEvent } from './server-frames.js';
import type { RoomSnapshot } from './tracks.js';

export class RoomcastClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly ids: IdSource;
  private readonly connection: Connection;
  private readonly requests: Requests;
  private readonly conversations: ConversationSync;

  constructor(options: RoomcastClientOptions) {
    const clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    this.ids = new IdSource(random);
    this.connection = new Connection(options, clock, random, {
      catchUp: (link) => this.conversations.catchUp(link),
      ready: (link, rotated) => {
        if (rotated) this.conversations.resumeRooms(link);
        this.flush();
      },
      received: (link, data) => this.received(link, data),
      released: (link, stopped) => this.requests.release(link, !stopped),
      probe: (link) => this.requests.send(link, { action: 'ping' }),
      stateChanged: (state, previous) => this.events.emit('state', { state, previous }),
    });
    this.requests = new Requests({
      clock,
      random,
      ids: this.ids,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      write: (link, text) => this.connection.write(link, text),
      // An application request left unanswered on an open socket may mean a dead connection: probe it.
      unanswered: (link) =>
        void this.requests.send(link, { action: 'ping' }).catch(() => this.connection.abandon(link)),
    });
    this.conversations = new ConversationSync({
      clock,
      events: this.events,
      options,
      askOn:
        (link): Ask =>
        (body) =>
          this.requests.send(link, body),
      write: (link, text) => this.connection.write(link, text),
      abandon: (link) => this.connection.abandon(link),
      primary: () => this.connection.primary,
      flush: () => this.flush(),
    });
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The identity of the current connection, once known. */
  get identity(): Identity | undefined {
    return this.conversations.identity;
  }

  on<K extends keyof ClientEvents>(type: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  /**
   * Starts connecting; the client then stays connected until `close()`. Throws only when there is no
   * WebSocket implementation to use; connection failures are retried, never thrown.
   */
  connect(): void {
    this.connection.start();
  }

  /** Closes the connection for good: pending requests fail with `closed`. */
  close(): void {
    if (!this.connection.running) return;
    this.connection.stop();
    this.requests.failAll();
    this.conversations.close();
    this.connection.closed();
  }

  /**
   * Joins a room and follows it across reconnections. Resolves once joined (recent messages or, with
   * `since`, the missed ones delivered) with the member list.
   */
  joinRoom(room: string, options: JoinOptions = {}): Promise<RoomSnapshot> {
    const known = this.conversations.room(room);
    if (known === undefined) return this.conversations.followRoom(room, options);
    const link = this.connection.primary;
    return link?.ready === true && link.joined.has(room)
      ? Promise.resolve(known.snapshot())
      : known.waitForJoin();
  }

  /** Stops following a room and leaves it. */
  async leaveRoom(room: string): Promise<void> {
    if (this.conversations.unfollowRoom(room) === undefined) return;
    const live = this.connection.live;
    for (const link of this.connection.links) {
      // A connection still catching up may already be in the room; new ones start outside it.
      if (link !== live && (link.joined.has(room) || link.joining.has(room)))
        this.connection.write(link, JSON.stringify({ action: 'leave', room }));
      link.joined.delete(room);
    }
    if (live !== undefined) await this.enqueue({ action: 'leave', room });
  }

  /** Rooms followed with `joinRoom`. */
  joinedRooms(): string[] {
    return this.conversations.roomNames();
  }

  /** The member list of a followed room as last reported. */
  members(room: string): readonly PresenceEntry[] {
    return this.conversations.room(room)?.members ?? [];
  }

  /**
   * Follows a direct conversation: delivers its recent messages (or those after `since`) and resumes it
   * after reconnections. Conversations are opened on their own when a direct message arrives.
   */
  openDirect(peer: string, options: JoinOptions = {}): Promise<void> {
    return this.conversations.openDirect(peer, options);
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
    const me = this.conversations.identity;
    if (me !== undefined) {
      const { seq, messageId, sentAt } = ack;
      this.conversations.routeDirect({ type: 'direct', from: me, to, seq, messageId, text, sentAt });
    }
    return ack;
  }

  /** Signals typing in a room. Fire and forget: dropped while disconnected. */
  typing(room: string, isTyping = true): void {
    this.signal(room, { action: 'typing', room, isTyping });
  }

  /** Sends an ephemeral reaction to a room (never stored). Fire and forget: dropped while disconnected. */
  roomReaction(room: string, reaction: string): void {
    this.signal(room, { action: 'roomReaction', room, reaction });
  }

  /** Writes a signal to a room now, or drops it: not while disconnected, nor before the room's join. */
  private signal(room: string, frame: object): void {
    const link = this.connection.live;
    if (link === undefined) return;
    if (this.conversations.room(room) !== undefined && !link.joined.has(room)) return;
    this.connection.write(link, JSON.stringify(frame));
  }

  /**
   * Sends an action and resolves with its reply, queued while disconnected like every request; about a
   * room (`target` `{ room }`), it waits for the room's join. The chat actions of `chat-actions.ts`
   * (edits, status, read state) are functions on it, so a page that does not use them does not carry them.
   */
  request<B extends RequestBody>(body: B, target?: HistoryTarget): Promise<ReplyOf[B['action']]> {
    return this.enqueue(body, target !== undefined && 'room' in target ? { gateRoom: target.room } : {});
  }

  /** Asks for a room's member list (and updates `members(room)`). */
  async presence(room: string): Promise<RoomSnapshot> {
    this.conversations.presenceAsked(room);
    const reply = await this.enqueue({ action: 'presence', room }, { gateRoom: room });
    this.conversations.applyPresence(room, reply.members, reply.truncated);
    return { room, members: reply.members, truncated: reply.truncated };
  }

  /** Reads one page of history as it is, e.g. older messages (`before`) for scrolling back. */
  history(target: HistoryTarget, options: HistoryOptions = {}): Promise<HistoryEvent> {
    return this.request({ action: 'history', ...target, ...options }, target);
  }

  ping(): Promise<PongEvent> {
    return this.enqueue({ action: 'ping' });
  }

  /** An application request: queued while disconnected, written again after a reconnect. */
  private enqueue<B extends RequestBody>(
    body: B,
    options: { gateRoom?: string; clientMsgId?: string } = {},
  ): Promise<ReplyOf[B['action']]> {
    if (!this.connection.running) {
      return Promise.reject(
        new RoomcastError('closed', 'The client is not connected: call connect()', {
          clientMsgId: options.clientMsgId,
        }),
      );
    }
    const reply = this.requests.queue(body, options);
    this.flush();
    return reply;
  }

  /** Writes what the outbox holds once the connection has caught up; room sends wait for their join. */
  private flush(): void {
    const link = this.connection.live;
    if (link === undefined) return;
    this.requests.flush(link, (request) => {
      const gate = request.gateRoom;
      return gate !== undefined && this.conversations.room(gate) !== undefined && !link.joined.has(gate);
    });
  }

  private received(link: Link, data: unknown): void {
    const frame = readFrame(data);
    if (frame === undefined) return;
    this.events.emit('frame', frame);
    const event = toServerEvent(frame);
    if (event === undefined || this.requests.answer(link, event)) return;
    switch (event.type) {
      case 'message':
        this.conversations.routeRoomMessage(event);
        return;
      case 'direct':
        this.conversations.routeDirect(event);
        return;
      case 'message_updated':
      case 'message_deleted':
        if (event.room !== undefined) this.conversations.routeRoomMessage(event);
        else this.conversations.routeDirect(event);
        return;
      case 'member_joined':
      case 'member_left':
        this.conversations.memberChanged(event);
        this.events.emit(event.type, event);
        return;
      case 'status_changed':
        this.conversations.statusChanged(event);
        this.events.emit(event.type, event);
        return;
      case 'removed':
        // Taken out by a moderator or a ban: following it would rejoin it on the next reconnect.
        this.conversations.unfollowRoom(event.room);
        link.joined.delete(event.room);
        this.events.emit(event.type, event);
        return;
      case 'typing':
      case 'room_reaction':
      case 'occupancy':
      case 'reactions_updated':
      case 'read_marker':
      case 'error':
        this.events.emit(event.type, event);
        return;
      default:
        return;
    }
  }
}
