// React bindings: the state the hooks read, kept per client. It listens to the client's events once,
// files messages, presence and typing by conversation, and holds each room joined for as long as any
// component uses it. Nothing here depends on React: the hooks (hooks.ts) only read and watch its cells.

import type { RoomcastClient } from '../client.js';
import { systemClock, type Clock, type Random } from '../clock.js';
import { RoomcastError } from '../errors.js';
import { IdSource } from '../ids.js';
import type { ConnectionState, HistoryTarget } from '../options.js';
import type { AckEvent, DirectMessageEvent, Identity, RoomMessageEvent } from '../protocol.js';
import { Cell } from './cell.js';
import type { Conversation } from './conversation.js';
import { DirectEntry, RoomEntry } from './entries.js';
import { microtask, RefCounts, type Defer } from './ref-counts.js';
import { UnreadBoard } from './unread-board.js';

/** What the store uses of a client: `RoomcastClient` itself, or a fake in tests. */
export type StoreClient = Pick<
  RoomcastClient,
  | 'state'
  | 'identity'
  | 'on'
  | 'joinRoom'
  | 'leaveRoom'
  | 'openDirect'
  | 'send'
  | 'sendDirect'
  | 'typing'
  | 'history'
  | 'roomReaction'
  | 'request'
>;

export interface RoomcastBindingsSettings {
  /** Timers for typing expiry and spacing. Default: the system clock. */
  readonly clock?: Clock;
  /** Randomness for client message ids. Default `Math.random`. */
  readonly random?: Random;
  /** `notifyTyping()` sends at most one signal per room this often. Default 3 s. */
  readonly typingEveryMs?: number;
  /** Someone else's typing signal shows this long unless renewed. Default 6 s. */
  readonly typingExpiresMs?: number;
  /** Messages per `loadOlder()` page. Default 50. */
  readonly historyPageSize?: number;
  /** How releases are put off (see ref-counts.ts). Default: a microtask. */
  readonly defer?: Defer;
}

export interface ConnectionView {
  readonly state: ConnectionState;
  /** Who the service says this user is, once a connection has been open. */
  readonly identity: Identity | undefined;
  /**
   * The last error since the connection was last opened: an error frame answering no request (as a
   * `RoomcastError`), or why the client could not start (no WebSocket implementation).
   */
  readonly error: Error | undefined;
}

/** Direct conversations are never left, so their replies always apply. */
const always = (): boolean => true;

function asRoomcastError(error: unknown): RoomcastError {
  if (error instanceof RoomcastError) return error;
  return new RoomcastError('internal_error', error instanceof Error ? error.message : String(error));
}

export class RoomcastStore {
  readonly connection: Cell<ConnectionView>;
  /** What `useUnread` shows. */
  readonly unread = new UnreadBoard();
  private reactionIds = 0;
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly directs = new Map<string, DirectEntry>();
  private readonly roomHolds: RefCounts<string>;
  private readonly listening: RefCounts<'events'>;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly typingEveryMs: number;
  private readonly typingExpiresMs: number;
  private readonly pageSize: number;

  constructor(
    readonly client: StoreClient,
    settings: RoomcastBindingsSettings = {},
  ) {
    this.clock = settings.clock ?? systemClock;
    this.ids = new IdSource(settings.random ?? Math.random);
    this.typingEveryMs = settings.typingEveryMs ?? 3_000;
    this.typingExpiresMs = settings.typingExpiresMs ?? 6_000;
    this.pageSize = settings.historyPageSize ?? 50;
    const defer = settings.defer ?? microtask;
    this.connection = new Cell<ConnectionView>(this.readConnection(undefined));
    this.roomHolds = new RefCounts(
      { start: (room) => this.joinRoom(room), stop: (room) => this.leaveRoom(room) },
      defer,
    );
    let unsubscribe: () => void = () => undefined;
    this.listening = new RefCounts(
      {
        start: () => (unsubscribe = this.listen()),
        stop: () => unsubscribe(),
      },
      defer,
    );
  }

  /** Starts following the client's events (once, however many providers share this store). */
  attach(): () => void {
    return this.listening.acquire('events');
  }

  /** The entry of a room, whether or not anyone holds it. */
  room(name: string): RoomEntry {
    let entry = this.rooms.get(name);
    if (entry === undefined)
      this.rooms.set(name, (entry = new RoomEntry(name, this.clock, this.typingExpiresMs)));
    return entry;
  }

  /** Joins the room unless it is already held; returns the release (the last one leaves). */
  holdRoom(name: string): () => void {
    return this.roomHolds.acquire(name);
  }

  /** Holders of a room right now. */
  holders(name: string): number {
    return this.roomHolds.count(name);
  }

  direct(peer: string): DirectEntry {
    let entry = this.directs.get(peer);
    if (entry === undefined) this.directs.set(peer, (entry = new DirectEntry(peer)));
    return entry;
  }

  /**
   * Opens a direct conversation once per store. The client has no way to stop following one (they
   * open on their own when a message arrives), so nothing is released.
   */
  openDirect(peer: string): void {
    const entry = this.direct(peer);
    if (entry.open.get().status !== 'idle') return;
    entry.open.set({ status: 'joining', error: undefined });
    this.client.openDirect(peer).then(
      () => entry.open.set({ status: 'joined', error: undefined }),
      (error: unknown) => entry.open.set({ status: 'failed', error: asRoomcastError(error) }),
    );
  }

  /** Posts to a room; returns the send's `clientMsgId`, under which its state shows in `sends`. */
  sendToRoom(room: string, text: string): string {
    const entry = this.room(room);
    this.stopTyping(room);
    return this.track(entry.conversation, this.ids.clientMsgId(), text, this.sessionOf(entry), (id) =>
      this.client.send(room, text, { clientMsgId: id }),
    );
  }

  /** Sends a failed room message again under the same id: the service never stores it twice. */
  retryInRoom(room: string, clientMsgId: string): void {
    const entry = this.room(room);
    this.retry(entry.conversation, clientMsgId, this.sessionOf(entry), (text) =>
      this.client.send(room, text, { clientMsgId }),
    );
  }

  sendToPeer(peer: string, text: string): string {
    const { conversation } = this.direct(peer);
    return this.track(conversation, this.ids.clientMsgId(), text, always, (id) =>
      this.client.sendDirect(peer, text, { clientMsgId: id }),
    );
  }

  retryToPeer(peer: string, clientMsgId: string): void {
    const { conversation } = this.direct(peer);
    this.retry(conversation, clientMsgId, always, (text) =>
      this.client.sendDirect(peer, text, { clientMsgId }),
    );
  }

  loadOlderInRoom(room: string): Promise<void> {
    const entry = this.room(room);
    return this.loadOlder(entry.conversation, { room }, this.sessionOf(entry));
  }

  loadOlderWithPeer(peer: string): Promise<void> {
    return this.loadOlder(this.direct(peer).conversation, { with: peer }, always);
  }

  /**
   * Tells the room this user is typing, at most once per `typingEveryMs`: call it on every keystroke.
   * Only in a room a component holds (typing elsewhere is refused by the service).
   */
  notifyTyping(room: string): void {
    const entry = this.room(room);
    if (this.roomHolds.count(room) === 0) return;
    const now = this.clock.now();
    if (entry.typingSentAt !== undefined && now - entry.typingSentAt < this.typingEveryMs) return;
    entry.typingSentAt = now;
    this.client.typing(room, true);
  }

  /** Says typing stopped, if it was said to have started. Sending a message does this too. */
  stopTyping(room: string): void {
    const entry = this.room(room);
    if (entry.typingSentAt === undefined) return;
    entry.typingSentAt = undefined;
    this.client.typing(room, false);
  }

  /**
   * Sends a reaction to a room a component holds, and shows it at once: the service tells everyone but
   * the sending connection.
   */
  reactInRoom(room: string, reaction: string): void {
    const entry = this.heldRoom(room);
    const me = this.client.identity;
    if (entry === undefined || me === undefined) return;
    this.client.roomReaction(room, reaction);
    entry.reactions.add({ id: (this.reactionIds += 1), user: me, reaction, at: this.clock.now() });
  }

  /**
   * Gives (`on`) or takes back this user's reaction to message `seq` of a room or a direct conversation;
   * the answer shows at once, marked as this user's, and the others' summaries follow.
   */
  async reactToMessage(target: HistoryTarget, seq: number, reaction: string, on: boolean): Promise<void> {
    const answer = await this.client.request({ action: 'react', ...target, seq, reaction, on }, target);
    const conversation =
      'room' in target ? this.heldRoom(target.room)?.conversation : this.direct(target.with).conversation;
    conversation?.react(seq, answer.reactions);
  }

  /** Asks the service for every followed conversation's unread count. */
  async refreshUnread(): Promise<void> {
    this.unread.loading();
    try {
      const { conversations, truncated } = await this.client.request({ action: 'unread' });
      this.unread.replace(conversations, truncated);
    } catch (error) {
      this.unread.failed(asRoomcastError(error));
    }
  }

  /** Marks a conversation read up to `seq`; the counts follow the answer. */
  async markRead(target: HistoryTarget, seq: number): Promise<void> {
    this.unread.marked(await this.client.request({ action: 'markRead', ...target, seq }, target));
  }

  /** Records why the client could not start (from the provider's `connect()`). */
  reportError(error: Error): void {
    this.connection.update((view) => ({ ...view, error }));
  }

  private readConnection(error: Error | undefined): ConnectionView {
    return { state: this.client.state, identity: this.client.identity, error };
  }

  private listen(): () => void {
    const { client } = this;
    this.connection.set(this.readConnection(this.connection.get().error));
    const stops = [
      client.on('state', ({ state, previous }) =>
        this.connection.update((view) => ({
          ...view,
          state,
          // A new connection: errors of the one before are no longer news.
          error: state === 'open' && previous !== 'open' ? undefined : view.error,
        })),
      ),
      client.on('identity', ({ user }) => this.connection.update((view) => ({ ...view, identity: user }))),
      client.on('error', (frame) =>
        this.connection.update((view) => ({
          ...view,
          error: new RoomcastError(frame.code, frame.message, { details: frame.details }),
        })),
      ),
      client.on('message', ({ message }) => {
        this.heldRoom(message.room)?.conversation.deliver(message);
        this.unread.arrived({ room: message.room }, message.seq);
      }),
      client.on('room_reaction', ({ room, user, reaction, sentAt }) =>
        this.heldRoom(room)?.reactions.add({ id: (this.reactionIds += 1), user, reaction, at: sentAt }),
      ),
      client.on('read_marker', (event) => this.unread.marked(event)),
      ...(['message_updated', 'message_deleted'] as const).map((type) =>
        client.on(type, ({ change, room, peer }) => {
          if (room !== undefined) this.heldRoom(room)?.conversation.amend(change);
          else if (peer !== undefined) this.direct(peer).conversation.amend(change);
        }),
      ),
      client.on('reactions_updated', ({ room, users, seq, reactions }) => {
        if (room !== undefined) this.heldRoom(room)?.conversation.react(seq, reactions);
        const peer = users?.find((user) => user !== this.client.identity?.userId) ?? users?.[0];
        if (peer !== undefined) this.direct(peer).conversation.react(seq, reactions);
      }),
      client.on('presence', ({ room, members, truncated }) =>
        this.heldRoom(room)?.presence.set({ members, truncated }),
      ),
      client.on('typing', ({ room, user, isTyping }) => {
        if (user.userId !== this.client.identity?.userId) this.heldRoom(room)?.typing.update(user, isTyping);
      }),
      // Direct conversations open on their own when a message arrives: all of them are kept.
      client.on('direct', ({ message, peer }) => {
        this.direct(peer).conversation.deliver(message);
        this.unread.arrived({ with: peer }, message.seq);
      }),
    ];
    return () => {
      for (const stop of stops) stop();
      for (const entry of this.rooms.values()) entry.typing.clear();
    };
  }

  /** Whether a reply still concerns the room as it is: not if the room was left (or rejoined) since. */
  private sessionOf(entry: RoomEntry): () => boolean {
    const session = entry.session;
    return () => entry.session === session;
  }

  private heldRoom(room: string): RoomEntry | undefined {
    return this.roomHolds.isStarted(room) ? this.rooms.get(room) : undefined;
  }

  private joinRoom(room: string): void {
    const entry = this.room(room);
    entry.reset();
    const session = entry.session;
    entry.join.set({ status: 'joining', error: undefined });
    this.client.joinRoom(room).then(
      ({ members, truncated }) => {
        if (entry.session !== session) return;
        entry.presence.set({ members, truncated });
        entry.join.set({ status: 'joined', error: undefined });
      },
      (error: unknown) => {
        if (entry.session === session) entry.join.set({ status: 'failed', error: asRoomcastError(error) });
      },
    );
  }

  private leaveRoom(room: string): void {
    this.stopTyping(room);
    this.room(room).reset();
    // Leaving fails only when the connection goes, and then the service drops the membership itself.
    this.client.leaveRoom(room).catch(() => undefined);
  }

  private track<M extends RoomMessageEvent | DirectMessageEvent>(
    conversation: Conversation<M>,
    clientMsgId: string,
    text: string,
    current: () => boolean,
    post: (clientMsgId: string) => Promise<AckEvent>,
  ): string {
    conversation.dispatch({ type: 'sent', clientMsgId, text });
    post(clientMsgId).then(
      (ack) => {
        if (current()) conversation.dispatch({ type: 'acked', clientMsgId, ack, delivered: false });
      },
      (error: unknown) => {
        if (current()) conversation.dispatch({ type: 'failed', clientMsgId, error: asRoomcastError(error) });
      },
    );
    return clientMsgId;
  }

  private retry<M extends RoomMessageEvent | DirectMessageEvent>(
    conversation: Conversation<M>,
    clientMsgId: string,
    current: () => boolean,
    post: (text: string) => Promise<AckEvent>,
  ): void {
    const send = conversation.sendOf(clientMsgId);
    if (send?.status !== 'failed') return;
    conversation.dispatch({ type: 'retried', clientMsgId });
    this.track(conversation, clientMsgId, send.text, current, () => post(send.text));
  }

  private async loadOlder<M extends RoomMessageEvent | DirectMessageEvent>(
    conversation: Conversation<M>,
    target: HistoryTarget,
    current: () => boolean,
  ): Promise<void> {
    const view = conversation.view.get();
    const before = conversation.firstSeq;
    if (view.loadingOlder || !view.hasMore || before === undefined) return;
    conversation.setLoadingOlder(true);
    try {
      const page = await this.client.history(target, { before, limit: this.pageSize });
      if (current()) conversation.prepend(page.messages, page.hasMore);
    } catch (error) {
      if (current()) conversation.setLoadingOlder(false);
      throw error;
    }
  }
}
