// Client SDK: the client's options, the events it emits and the options of its methods.

import type { BackoffOptions } from './backoff.js';
import type { Clock, Random } from './clock.js';
import type {
  DirectMessageEvent,
  ErrorEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MessageDeletedEvent,
  MessageUpdatedEvent,
  OccupancyEvent,
  ReactionsUpdatedEvent,
  RemovedEvent,
  ReadMarkerEvent,
  RoomMessageEvent,
  RoomReactionEvent,
  StatusChangedEvent,
  TypingEvent,
  WhoAmIEvent,
} from './protocol.js';
import type { Source } from './sequence-cursor.js';
import type { WebSocketFactory } from './socket.js';
import type { RoomSnapshot } from './tracks.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RoomcastClientOptions {
  /** The WebSocket URL, e.g. `wss://abc.execute-api.eu-west-1.amazonaws.com/prod`. */
  readonly url: string;
  /** A JWT, or a function called before every connection attempt (so an expired token can be renewed). */
  readonly token?: string | (() => string | Promise<string>);
  /** Extra query string parameters, e.g. `{ name: 'Ada' }` for a service in anonymous mode. */
  readonly query?: Readonly<Record<string, string>>;
  /** Default: the global `WebSocket` (browsers, Node 22+). In Node 20 pass the `ws` package's. */
  readonly WebSocket?: WebSocketFactory;
  readonly clock?: Clock;
  /** Randomness for backoff jitter and client message ids. Default `Math.random`. */
  readonly random?: Random;
  readonly reconnect?: BackoffOptions;
  /** A `ping` goes out after this long without sending anything. Default 5 minutes (API Gateway: 10). */
  readonly keepaliveMs?: number;
  /** Age at which the connection is replaced without a gap. Default 1 h 50 min (API Gateway: 2 h). */
  readonly maxConnectionAgeMs?: number;
  /** How long a request waits for its reply once written. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** How long a handshake may take. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Recent messages delivered when a room or direct conversation is first opened. Default 50. */
  readonly recentMessages?: number;
  /** How long an out-of-order message may wait for the ones before it before they are fetched. Default 1 s. */
  readonly gapWaitMs?: number;
}

export interface ClientEvents {
  state: { readonly state: ConnectionState; readonly previous: ConnectionState };
  /** The identity the service sees, after every (re)connection. */
  identity: WhoAmIEvent;
  /** Room messages, each exactly once and in `seq` order per room, for rooms joined with `joinRoom`. */
  message: { readonly message: RoomMessageEvent; readonly source: Source };
  /** Direct messages, exactly once and in order per peer; includes this client's own sends. */
  direct: { readonly message: DirectMessageEvent; readonly peer: string; readonly source: Source };
  /**
   * A message was edited (its own `seq` in the conversation, in order with the messages; `change.target`
   * is the edited message's seq). `room` for a room, `peer` for a direct conversation.
   */
  message_updated: {
    readonly change: MessageUpdatedEvent;
    readonly room?: string;
    readonly peer?: string;
    readonly source: Source;
  };
  /** A message was deleted: show a tombstone in its place. Ordered like an edit. */
  message_deleted: {
    readonly change: MessageDeletedEvent;
    readonly room?: string;
    readonly peer?: string;
    readonly source: Source;
  };
  /**
   * A message's reactions changed (`seq` is the message's): one summary per message about a second after
   * a burst, without `mine`; keep the `mine` of this user's own reactions from `react` and history.
   */
  reactions_updated: ReactionsUpdatedEvent;
  /**
   * This user was taken out of a room by a moderator or a ban (`banned`: joining again is refused). The
   * client stops following the room, as after `leaveRoom`.
   */
  removed: RemovedEvent;
  /** The member list of a joined room changed. */
  presence: RoomSnapshot;
  member_joined: MemberJoinedEvent;
  member_left: MemberLeftEvent;
  typing: TypingEvent;
  /** A joined room's counts (connections, users) changed; at most once every few seconds per room. */
  occupancy: OccupancyEvent;
  /** Someone reacted to a joined room (never this connection: it shows its own at once). */
  room_reaction: RoomReactionEvent;
  /** A member of a joined room set a new status; `presence` follows with the updated entry. */
  status_changed: StatusChangedEvent;
  /** This user's read marker moved on another of their connections (another tab or device). */
  read_marker: ReadMarkerEvent;
  /** Error frames that answer no request of this client (for example `invalid_json`). */
  error: ErrorEvent;
  /** Every frame received, as parsed JSON: for events this SDK does not model. */
  frame: Readonly<Record<string, unknown>>;
}

export interface SendOptions {
  /** Reuse the id of a send that failed or timed out: the service then never stores it twice. */
  readonly clientMsgId?: string;
}

export interface JoinOptions {
  /** Resume after this sequence number (one the application kept) instead of loading recent messages. */
  readonly since?: number;
  /** Recent messages to deliver on a first join. Default: the client's `recentMessages`. */
  readonly recent?: number;
}

export interface HistoryOptions {
  readonly after?: number;
  readonly before?: number;
  readonly limit?: number;
}

/** Which conversation a history request reads: a room by `room`, a direct conversation by `with`. */
export type HistoryTarget = { readonly room: string } | { readonly with: string };
