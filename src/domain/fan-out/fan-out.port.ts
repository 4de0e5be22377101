// Seam: how one event reaches many connections. The paged in-process strategy serves small rooms; the
// sharded strategy hands large rooms and broadcasts to queue-fed workers, without touching the use cases.

import type { ConnectionId } from '../model/connection.js';
import type { RoomName } from '../model/room.js';
import type { MembersPage } from '../ports/room-membership.port.js';
import type { ServerEvent } from '../protocol/server-events.js';
import type { RoomShape } from './shard-plan.js';

export interface FanOutReport {
  /** What was fanned out to, for logs: `room:<name>`, `connections` or `everyone`. */
  readonly target: string;
  readonly recipients: number;
  readonly delivered: number;
  /** Recipients that no longer existed; they have been removed. */
  readonly gone: number;
  /** Recipients that could not be reached for another reason; they are kept. */
  readonly failed: number;
  readonly durationMs: number;
  /** False when listing the recipients failed part-way: some members were never tried. */
  readonly complete: boolean;
  /** Set when nothing was sent on purpose: the room had more members than `atMost` allowed. */
  readonly skipped?: 'room_too_large';
  /**
   * Set when the fan-out was handed to workers: how many shard jobs were enqueued. The counts then say
   * nothing about deliveries, which happen later, in the workers.
   */
  readonly queuedJobs?: number;
  /**
   * Set when an inline fan-out ran out of its time budget: how many recipients it handed to workers
   * instead of serving them itself (they are counted in none of the other fields).
   */
  readonly handedOff?: number;
}

export interface FanOutOptions {
  /** A connection that must not receive the event. */
  readonly except?: ConnectionId;
  /** Deliver nothing at all when the room has more recipients than this (announcements). */
  readonly atMost?: number;
  /**
   * Called once the fan-out is accepted, before any delivery: at once for an inline fan-out, after every
   * shard job is enqueued for a sharded one. The sender's ack goes here, so an ack always means the
   * message is stored and on its way to everyone; if the jobs cannot be enqueued it is never called
   * and the fan-out throws ChatError `unavailable`.
   */
  readonly onAccepted?: () => Promise<void>;
  /**
   * The connection that made the request `onAccepted` answers: its own copy of the event is delivered
   * only once that answer is out, so it sees its ack first; everyone else's deliveries start with it.
   */
  readonly origin?: ConnectionId;
  /** What `prepare` started for this room, so the fan-out does not read it again. */
  readonly prepared?: PreparedRoom;
}

/**
 * Reads a fan-out to a room will need, started early by `prepare` so a sender can overlap them with its
 * own checks and writes. Opaque to use cases: they pass it back to `toRoom` for the same room.
 */
export interface PreparedRoom {
  readonly room: RoomName;
  /** The room's first page of members (inline fan-outs). */
  readonly firstPage?: Promise<MembersPage>;
  /** The room's shape (whether it is served inline or by workers). */
  readonly shape?: Promise<RoomShape>;
}

export interface FanOutPort {
  /**
   * Delivers the event to every member connection of the room, except `except` when given. With
   * `atMost`, delivers nothing at all when the room has more recipients than that.
   */
  toRoom(room: RoomName, event: ServerEvent, options?: FanOutOptions): Promise<FanOutReport>;

  /**
   * Optional: starts reading what a fan-out to this room will need (how large it is, its first members),
   * so that a sender can overlap those reads with its checks and with storing the message. Never throws;
   * a read that fails is read again by `toRoom`.
   */
  prepare?(room: RoomName): PreparedRoom;

  /** Delivers the event to each listed connection. */
  toConnections(connectionIds: readonly ConnectionId[], event: ServerEvent): Promise<FanOutReport>;

  /** Delivers the event to every live connection of the service, page by page. */
  toEveryone(event: ServerEvent, options?: Pick<FanOutOptions, 'onAccepted'>): Promise<FanOutReport>;
}
