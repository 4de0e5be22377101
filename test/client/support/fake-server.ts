// Client tests: a scripted in-memory roomcast service behind fake sockets that implement the slice of
// the WebSocket API the SDK uses. It follows docs/protocol.md closely enough for the SDK (lobby on
// connect, acks before fan-out, idempotent sends, join with `since`, history paging) and lets a test
// cut connections, refuse handshakes, withhold replies or live events, and inject frames.

import {
  isValidRoomName,
  type DirectMessageEvent,
  type Identity,
  type PresenceEntry,
  type RoomMessageEvent,
  type SocketCloseEvent,
  type SocketMessageEvent,
  type WebSocketFactory,
  type WebSocketLike,
} from '../../../src/client/index.js';

type Frame = Record<string, unknown>;
type Handler<E> = { handle(event: E): void }['handle'];

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: Handler<unknown> | null = null;
  onmessage: Handler<SocketMessageEvent> | null = null;
  onclose: Handler<SocketCloseEvent> | null = null;
  onerror: Handler<unknown> | null = null;
  /** Frames the client wrote, parsed. */
  readonly sent: Frame[] = [];
  /** Frames the server pushed to this socket. */
  readonly received: Frame[] = [];
  closedBy: 'client' | 'server' | undefined;
  closeCode: number | undefined;
  identity: Identity | undefined;
  readonly rooms = new Set<string>();

  constructor(
    readonly url: string,
    private readonly server: FakeServer,
  ) {
    server.accept(this);
  }

  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send in readyState ${this.readyState}`);
    const frame = JSON.parse(data) as Frame;
    this.sent.push(frame);
    queueMicrotask(() => this.server.receive(this, frame));
  }

  close(code = 1005, reason = ''): void {
    if (this.readyState >= 2) return;
    this.closedBy ??= 'client';
    this.finish(code, reason);
  }

  /** Server side: pushes a frame. */
  push(frame: Frame): void {
    if (this.readyState !== 1) return;
    this.received.push(frame);
    const text = JSON.stringify(frame);
    queueMicrotask(() => {
      if (this.readyState === 1) this.onmessage?.({ data: text });
    });
  }

  /** Server side: completes the handshake. */
  open(): void {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.server.connected(this);
    queueMicrotask(() => this.onopen?.({}));
  }

  /** Server side: refuses the handshake, or closes (1006 for a cut, 1000/1001 for a clean close). */
  drop(code = 1006, reason = ''): void {
    if (this.readyState >= 2) return;
    this.closedBy = 'server';
    this.finish(code, reason);
  }

  private finish(code: number, reason: string): void {
    const wasOpen = this.readyState === 1;
    this.readyState = 3;
    this.closeCode = code;
    if (wasOpen) this.server.disconnected(this);
    queueMicrotask(() => {
      if (code === 1006) this.onerror?.({});
      this.onclose?.({ code, reason });
    });
  }
}

interface Log<E> {
  seq: number;
  readonly messages: E[];
}

export interface FakeServerOptions {
  /** Most messages a `join` with `since` returns before saying `hasMore`. */
  readonly missedLimit?: number;
  /** Most messages a `history` page holds. */
  readonly pageLimit?: number;
  readonly lobby?: string;
}

export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  /** Handshakes left to refuse (the socket closes with 1006 without opening). */
  refuse = 0;
  /** When false, handshakes wait for `socket.open()`. */
  autoOpen = true;
  /** Return true to swallow a client frame (no reply, no effect). */
  intercept: ((socket: FakeSocket, frame: Frame) => boolean) | undefined;
  /** Return false to withhold a live event from a socket (the service's delivery is best effort). */
  deliverLive: ((socket: FakeSocket, event: Frame) => boolean) | undefined;
  readonly rooms = new Map<string, Log<RoomMessageEvent>>();
  readonly directs = new Map<string, Log<DirectMessageEvent>>();
  private readonly accepted = new Map<string, { seq: number; messageId: string; sentAt: number }>();
  /** Read markers: user -> conversation (`room:<r>` or `with:<peer>`) -> seq. */
  private readonly markers = new Map<string, Map<string, number>>();
  /** `<room>#<seq>` -> reaction -> who gave it. */
  private readonly reactions = new Map<string, Map<string, Set<string>>>();
  private clock = 1_767_225_600_000;
  private ids = 0;
  private readonly lobby: string;

  constructor(private readonly options: FakeServerOptions = {}) {
    this.lobby = options.lobby ?? 'lobby';
  }

  /** The constructor to hand to the SDK. */
  get WebSocket(): WebSocketFactory {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    return class extends FakeSocket {
      constructor(url: string) {
        super(url, server);
      }
    };
  }

  get openSockets(): FakeSocket[] {
    return this.sockets.filter((socket) => socket.readyState === 1);
  }

  /** The most recent socket. */
  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('no socket yet');
    return socket;
  }

  accept(socket: FakeSocket): void {
    this.sockets.push(socket);
    queueMicrotask(() => {
      if (this.refuse > 0) {
        this.refuse -= 1;
        socket.drop(1006);
      } else if (this.autoOpen) socket.open();
    });
  }

  connected(socket: FakeSocket): void {
    const query = socket.query;
    const userId = query.get('token') ?? query.get('name') ?? 'anon';
    socket.identity = { userId, displayName: query.get('name') ?? userId };
    this.enter(socket, this.lobby);
  }

  disconnected(socket: FakeSocket): void {
    for (const room of [...socket.rooms]) this.exit(socket, room);
  }

  /** A message posted by someone outside the test's clients, fanned out like any other. */
  post(room: string, from: string, text: string): RoomMessageEvent {
    const message = this.append(room, { userId: from, displayName: from }, text);
    this.fanOut(room, message);
    return message;
  }

  /** A direct message from someone outside the test's clients. */
  postDirect(from: string, to: string, text: string): DirectMessageEvent {
    const message = this.appendDirect({ userId: from, displayName: from }, to, text);
    for (const socket of this.openSockets)
      if (socket.identity?.userId === to) this.live(socket, { ...message });
    return message;
  }

  receive(socket: FakeSocket, frame: Frame): void {
    if (socket.readyState !== 1) return;
    if (this.intercept?.(socket, frame) === true) return;
    const reply = (body: Frame) =>
      socket.push(frame['requestId'] === undefined ? body : { ...body, requestId: frame['requestId'] });
    const fail = (code: string, message: string, details?: Frame) =>
      reply({ type: 'error', code, message, ...(details === undefined ? {} : { details }) });
    const me = socket.identity as Identity;
    const room = frame['room'] as string;
    switch (frame['action']) {
      case 'whoami':
        return reply({ type: 'whoami', connectionId: `c${this.sockets.indexOf(socket)}`, user: me });
      case 'ping':
        return reply({ type: 'pong', serverTime: this.clock });
      case 'join': {
        if (!isValidRoomName(room)) return fail('invalid_room', 'bad room');
        this.enter(socket, room);
        const body: Frame = { type: 'joined', room, ...this.snapshot(room) };
        if (typeof frame['since'] === 'number') {
          const after = this.log(room).messages.filter((m) => m.seq > (frame['since'] as number));
          const limit = this.options.missedLimit ?? 100;
          body['missed'] = after.slice(0, limit);
          body['hasMore'] = after.length > limit;
        }
        return reply(body);
      }
      case 'leave':
        this.exit(socket, room);
        return reply({ type: 'left', room });
      case 'presence':
        if (!socket.rooms.has(room)) return fail('not_a_member', 'join first', { room });
        return reply({ type: 'presence', room, ...this.snapshot(room) });
      case 'typing':
        if (!socket.rooms.has(room)) return fail('not_a_member', 'join first', { room });
        for (const other of this.members(room))
          if (other !== socket)
            other.push({ type: 'typing', room, user: me, isTyping: frame['isTyping'] ?? true });
        return;
      case 'sendMessage': {
        const text = frame['text'] as string;
        if (!socket.rooms.has(room)) return fail('not_a_member', 'join first', { room });
        if (text.length > 4000) return fail('message_too_large', 'too long', { maxTextChars: 4000 });
        const key = `${me.userId}|room#${room}|${String(frame['clientMsgId'])}`;
        const known = this.accepted.get(key);
        if (known !== undefined) return reply({ type: 'ack', room, ...known, duplicate: true });
        const message = this.append(room, me, text);
        this.accepted.set(key, { seq: message.seq, messageId: message.messageId, sentAt: message.sentAt });
        reply({
          type: 'ack',
          room,
          seq: message.seq,
          messageId: message.messageId,
          sentAt: message.sentAt,
          duplicate: false,
          clientMsgId: frame['clientMsgId'],
        });
        this.fanOut(room, message);
        return;
      }
      case 'sendDirect': {
        const to = frame['to'] as string;
        const key = `${me.userId}|${this.pair(me.userId, to)}|${String(frame['clientMsgId'])}`;
        const known = this.accepted.get(key);
        if (known !== undefined) return reply({ type: 'ack', to, ...known, duplicate: true });
        const message = this.appendDirect(me, to, frame['text'] as string);
        this.accepted.set(key, { seq: message.seq, messageId: message.messageId, sentAt: message.sentAt });
        reply({
          type: 'ack',
          to,
          seq: message.seq,
          messageId: message.messageId,
          sentAt: message.sentAt,
          duplicate: false,
        });
        for (const other of this.openSockets) {
          const user = other.identity?.userId;
          if (other !== socket && (user === to || user === me.userId)) this.live(other, { ...message });
        }
        return;
      }
      case 'roomReaction':
        if (!socket.rooms.has(room)) return fail('not_a_member', 'join first', { room });
        for (const other of this.members(room))
          if (other !== socket)
            other.push({
              type: 'room_reaction',
              room,
              user: me,
              reaction: frame['reaction'],
              sentAt: this.clock,
            });
        return;
      case 'react': {
        // Rooms only, and each change summarised at once: the service's gathering window is its own test.
        if (!socket.rooms.has(room)) return fail('not_a_member', 'join first', { room });
        const seq = frame['seq'] as number;
        const given = this.reactions.get(`${room}#${seq}`) ?? new Map<string, Set<string>>();
        this.reactions.set(`${room}#${seq}`, given);
        const reaction = frame['reaction'] as string;
        const users = given.get(reaction) ?? new Set<string>();
        given.set(reaction, users);
        if (frame['on'] === false) users.delete(me.userId);
        else users.add(me.userId);
        const summary = (reader?: string) =>
          [...given]
            .filter(([, by]) => by.size > 0)
            .map(([name, by]) => ({
              reaction: name,
              count: by.size,
              ...(reader === undefined ? {} : { mine: by.has(reader) }),
            }));
        reply({ type: 'reactions_updated', room, seq, reactions: summary(me.userId) });
        for (const other of this.members(room))
          other.push({ type: 'reactions_updated', room, seq, reactions: summary() });
        return;
      }
      case 'markRead': {
        const target = typeof frame['room'] === 'string' ? { room } : { with: frame['with'] as string };
        const last =
          'room' in target
            ? this.log(room).messages.length
            : this.directLog(this.pair(me.userId, target.with)).messages.length;
        const mine = this.markers.get(me.userId) ?? new Map<string, number>();
        this.markers.set(me.userId, mine);
        const key = 'room' in target ? `room:${target.room}` : `with:${target.with}`;
        const readSeq = Math.max(mine.get(key) ?? 0, Math.min(frame['seq'] as number, last));
        mine.set(key, readSeq);
        const state = { type: 'read_marker', ...target, readSeq, lastSeq: last, unread: last - readSeq };
        reply(state);
        for (const other of this.openSockets)
          if (other !== socket && other.identity?.userId === me.userId) other.push(state);
        return;
      }
      case 'unread': {
        const conversations = [...(this.markers.get(me.userId) ?? new Map<string, number>())].map(
          ([key, readSeq]) => {
            const [kind, name = ''] = key.split(':');
            const last =
              kind === 'room'
                ? this.log(name).messages.length
                : this.directLog(this.pair(me.userId, name)).messages.length;
            return {
              ...(kind === 'room' ? { room: name } : { with: name }),
              readSeq,
              lastSeq: last,
              unread: last - readSeq,
            };
          },
        );
        return reply({ type: 'unread', conversations, truncated: false });
      }
      case 'history': {
        let messages: (RoomMessageEvent | DirectMessageEvent)[];
        if (typeof frame['room'] === 'string') {
          if (!socket.rooms.has(room)) return fail('not_a_member', 'join first', { room });
          messages = this.log(room).messages;
        } else {
          messages = this.directLog(this.pair(me.userId, frame['with'] as string)).messages;
        }
        const after = frame['after'] as number | undefined;
        const before = frame['before'] as number | undefined;
        const limit = Math.min((frame['limit'] as number | undefined) ?? 50, this.options.pageLimit ?? 100);
        const range = messages.filter(
          (m) => (after === undefined || m.seq > after) && (before === undefined || m.seq < before),
        );
        const page = after === undefined ? range.slice(-limit) : range.slice(0, limit);
        const target = typeof frame['room'] === 'string' ? { room } : { with: frame['with'] };
        return reply({ type: 'history', ...target, messages: page, hasMore: range.length > page.length });
      }
      default:
        return fail('unknown_action', 'unknown action');
    }
  }

  members(room: string): FakeSocket[] {
    return this.openSockets.filter((socket) => socket.rooms.has(room));
  }

  snapshot(room: string): { members: PresenceEntry[]; truncated: boolean } {
    const byUser = new Map<string, PresenceEntry>();
    for (const socket of this.members(room)) {
      const user = socket.identity as Identity;
      const entry = byUser.get(user.userId);
      byUser.set(user.userId, { ...user, connections: (entry?.connections ?? 0) + 1, status: 'available' });
    }
    return {
      members: [...byUser.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)),
      truncated: false,
    };
  }

  private enter(socket: FakeSocket, room: string): void {
    if (socket.rooms.has(room)) return;
    const user = socket.identity as Identity;
    const alreadyThere = this.members(room).some((other) => other.identity?.userId === user.userId);
    socket.rooms.add(room);
    if (!alreadyThere)
      for (const other of this.members(room))
        if (other !== socket) other.push({ type: 'member_joined', room, user });
  }

  private exit(socket: FakeSocket, room: string): void {
    if (!socket.rooms.delete(room)) return;
    const user = socket.identity as Identity;
    if (this.members(room).some((other) => other.identity?.userId === user.userId)) return;
    for (const other of this.members(room)) other.push({ type: 'member_left', room, user });
  }

  private fanOut(room: string, message: RoomMessageEvent): void {
    for (const socket of this.members(room)) this.live(socket, { ...message });
  }

  private live(socket: FakeSocket, event: Frame): void {
    if (this.deliverLive?.(socket, event) === false) return;
    socket.push(event);
  }

  private log(room: string): Log<RoomMessageEvent> {
    let log = this.rooms.get(room);
    if (log === undefined) this.rooms.set(room, (log = { seq: 0, messages: [] }));
    return log;
  }

  private directLog(key: string): Log<DirectMessageEvent> {
    let log = this.directs.get(key);
    if (log === undefined) this.directs.set(key, (log = { seq: 0, messages: [] }));
    return log;
  }

  private pair(a: string, b: string): string {
    return a <= b ? `dm#${a}#${b}` : `dm#${b}#${a}`;
  }

  private append(room: string, from: Identity, text: string): RoomMessageEvent {
    const log = this.log(room);
    log.seq += 1;
    const message: RoomMessageEvent = {
      type: 'message',
      room,
      seq: log.seq,
      messageId: `m${(this.ids += 1)}`,
      from,
      text,
      sentAt: (this.clock += 1),
    };
    log.messages.push(message);
    return message;
  }

  private appendDirect(from: Identity, to: string, text: string): DirectMessageEvent {
    const log = this.directLog(this.pair(from.userId, to));
    log.seq += 1;
    const message: DirectMessageEvent = {
      type: 'direct',
      from,
      to,
      seq: log.seq,
      messageId: `m${(this.ids += 1)}`,
      text,
      sentAt: (this.clock += 1),
    };
    log.messages.push(message);
    return message;
  }
}
