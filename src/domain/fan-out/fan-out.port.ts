// Seam: how one event reaches many connections. The paged in-process strategy is the default; a sharded
// strategy (parallel workers per page range) can replace it without touching the use cases.

import type { ConnectionId } from '../model/connection.js';
import type { RoomName } from '../model/room.js';
import type { ServerEvent } from '../protocol/server-events.js';

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
}

export interface FanOutPort {
  /**
   * Delivers the event to every member connection of the room, except `except` when given. With
   * `atMost`, delivers nothing at all when the room has more recipients than that.
   */
  toRoom(
    room: RoomName,
    event: ServerEvent,
    options?: { except?: ConnectionId; atMost?: number },
  ): Promise<FanOutReport>;

  /** Delivers the event to each listed connection. */
  toConnections(connectionIds: readonly ConnectionId[], event: ServerEvent): Promise<FanOutReport>;

  /** Delivers the event to every live connection of the service, page by page. */
  toEveryone(event: ServerEvent): Promise<FanOutReport>;
}
