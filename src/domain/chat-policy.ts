// Domain configuration: the limits and defaults every use case obeys. Validated once, where it is built.

import { isValidRoomName, type RoomName } from './model/room.js';

export interface ChatPolicy {
  /** Room every new connection joins, or null for none. */
  readonly lobbyRoom: RoomName | null;
  /** Longest message text, in Unicode code points. */
  readonly maxTextChars: number;
  /** Largest message event, in bytes: API Gateway's WebSocket frame quota is 32 KB. */
  readonly maxFrameBytes: number;
  /** Largest reply (history, missed messages), in bytes: the @connections API takes at most 128 KiB. */
  readonly maxPayloadBytes: number;
  readonly historyLimitDefault: number;
  readonly historyLimitMax: number;
  /** Deliveries in flight at once during one fan-out. */
  readonly fanOutConcurrency: number;
  /** Members read per page while fanning out. */
  readonly membersPageSize: number;
  /**
   * Rooms (and services, for broadcasts) of at most this many connections are fanned out inline, by the
   * invocation that received the message; larger ones are handed to queue-fed workers, when a fan-out
   * queue is configured. See docs/performance.md for the measured crossover behind the default.
   */
  readonly fanOutInlineMax: number;
  /** Recipients one worker job serves before the rest of its shard goes to a follow-up job. */
  readonly deliveriesPerJob: number;
  /**
   * How long an inline fan-out may deliver before it hands the recipients it has not reached to the
   * workers (when a fan-out queue is configured), so the invocation returns well before API Gateway's
   * 29 s integration timeout, which would otherwise answer the client with an error after its ack.
   */
  readonly fanOutInlineBudgetMs: number;
  /** A room's members are written over more buckets (partition keys) once each would hold more. */
  readonly membersPerBucket: number;
  /** How long a sender reuses a room's shape (bucket count, size) before reading it again. */
  readonly roomShapeCacheMs: number;
  /** Most users listed in one presence snapshot. */
  readonly presenceMaxUsers: number;
  /**
   * Rooms with more member connections than this get no `member_joined` / `member_left` events: each
   * would cost a post to every member, so a busy large room (or a reconnect storm in the lobby) would
   * spend its fan-out on arrivals. Members of such rooms ask for `presence` instead.
   */
  readonly announceMaxMembers: number;
  /** How long connection and membership records live: API Gateway closes connections after 2 hours. */
  readonly connectionTtlMs: number;
  /** How long messages are kept. */
  readonly messageRetentionMs: number;
  /**
   * A connection reported gone (410) this soon after it connected is kept: API Gateway answers 410
   * while `$connect` is still running.
   */
  readonly handshakeGraceMs: number;
  /** Per-connection token bucket over every client frame, or null for none. */
  readonly rateLimit: { readonly burst: number; readonly perSecond: number } | null;
  /**
   * Per-user token bucket that every frame of every connection of the user also takes from, or null for
   * none: larger than the connection's, so one connection never meets it alone, while many connections of
   * one user share it. See docs/operations.md (per-user limits).
   */
  readonly userRateLimit: { readonly burst: number; readonly perSecond: number } | null;
  /** Live connections one user may hold; the next handshake is refused (429). A soft cap: see connect.ts. */
  readonly maxConnectionsPerUser: number;
  /**
   * Rooms one connection may be in, the lobby included: `$disconnect` leaves each of them (and announces
   * `member_left` in each), so this bounds its work. Joins beyond it answer `too_many_rooms`.
   */
  readonly maxRoomsPerConnection: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEFAULT_CHAT_POLICY: ChatPolicy = {
  lobbyRoom: 'lobby',
  maxTextChars: 4_000,
  maxFrameBytes: 32 * 1024,
  maxPayloadBytes: 128 * 1024,
  historyLimitDefault: 50,
  historyLimitMax: 100,
  fanOutConcurrency: 32,
  membersPageSize: 100,
  fanOutInlineMax: 2_000,
  deliveriesPerJob: 2_000,
  fanOutInlineBudgetMs: 10_000,
  membersPerBucket: 1_000,
  roomShapeCacheMs: 5_000,
  presenceMaxUsers: 200,
  announceMaxMembers: 100,
  connectionTtlMs: 2 * 60 * MINUTE + 5 * MINUTE,
  messageRetentionMs: 7 * DAY,
  handshakeGraceMs: 30_000,
  rateLimit: { burst: 20, perSecond: 5 },
  userRateLimit: { burst: 60, perSecond: 8 },
  maxConnectionsPerUser: 20,
  maxRoomsPerConnection: 50,
};

/** Builds a policy from defaults and overrides, refusing values that would break the service. */
export function chatPolicy(overrides: Partial<ChatPolicy> = {}): ChatPolicy {
  const policy = { ...DEFAULT_CHAT_POLICY, ...overrides };
  if (policy.lobbyRoom !== null && !isValidRoomName(policy.lobbyRoom)) {
    throw new RangeError(`lobbyRoom "${String(policy.lobbyRoom)}" is not a valid room name`);
  }
  const positive: (keyof ChatPolicy)[] = [
    'maxTextChars',
    'maxFrameBytes',
    'maxPayloadBytes',
    'historyLimitDefault',
    'historyLimitMax',
    'fanOutConcurrency',
    'membersPageSize',
    'fanOutInlineMax',
    'deliveriesPerJob',
    'fanOutInlineBudgetMs',
    'membersPerBucket',
    'presenceMaxUsers',
    'announceMaxMembers',
    'connectionTtlMs',
    'messageRetentionMs',
    'maxConnectionsPerUser',
    'maxRoomsPerConnection',
  ];
  for (const key of positive) {
    const value = policy[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${String(value)}`);
    }
  }
  for (const key of ['handshakeGraceMs', 'roomShapeCacheMs'] as const) {
    if (!Number.isSafeInteger(policy[key]) || policy[key] < 0) {
      throw new RangeError(`${key} must be a non-negative integer`);
    }
  }
  for (const key of ['rateLimit', 'userRateLimit'] as const) {
    const limit = policy[key];
    if (limit === null) continue;
    const { burst, perSecond } = limit;
    if (!Number.isSafeInteger(burst) || burst < 1 || !(perSecond > 0) || !Number.isFinite(perSecond)) {
      throw new RangeError(`${key} needs a positive integer burst and a positive perSecond`);
    }
  }
  const { rateLimit: connection, userRateLimit: user } = policy;
  // A user bucket smaller than a connection's would make one connection meet the user's limit alone.
  if (
    connection !== null &&
    user !== null &&
    (user.burst < connection.burst || user.perSecond < connection.perSecond)
  ) {
    throw new RangeError('userRateLimit must be at least rateLimit (burst and perSecond)');
  }
  if (policy.historyLimitDefault > policy.historyLimitMax) {
    throw new RangeError('historyLimitDefault must not exceed historyLimitMax');
  }
  if (policy.maxFrameBytes > policy.maxPayloadBytes) {
    throw new RangeError('maxFrameBytes must not exceed maxPayloadBytes');
  }
  return Object.freeze(policy);
}
