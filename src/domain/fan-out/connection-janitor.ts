// Domain service: forgets a connection completely (its record and every membership). Used by disconnect,
// and by the fan-out and kick when API Gateway reports a connection gone.

import type { ConnectionId, Membership } from '../model/connection.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';

/**
 * API Gateway answers 410 to posts while a connection's `$connect` is still running (up to its 29 s
 * integration timeout), so a connection this young reported gone is most likely still opening.
 */
export const HANDSHAKE_GRACE_MS = 30_000;

export class ConnectionJanitor {
  constructor(
    private readonly deps: {
      connections: ConnectionRegistryPort;
      memberships: RoomMembershipPort;
      clock: ClockPort;
      /** Defaults to HANDSHAKE_GRACE_MS. */
      graceMs?: number;
      /** Told of the memberships a gone connection lost (occupancy counts follow); never throws. */
      afterGone?: (removed: readonly Membership[]) => Promise<void>;
    },
  ) {}

  /**
   * Purges a connection a delivery found gone, unless it was recorded within the handshake grace:
   * then it is being opened, not stale, and removing it would cut it off from every room.
   * Returns whether it was purged.
   */
  async purgeGone(connectionId: ConnectionId): Promise<boolean> {
    const record = await this.deps.connections.find(connectionId);
    const grace = this.deps.graceMs ?? HANDSHAKE_GRACE_MS;
    if (record !== undefined && this.deps.clock.now() - record.connectedAt < grace) return false;
    const removed = await this.purge(connectionId);
    await this.deps.afterGone?.(removed);
    return true;
  }

  /** Removes the connection and its memberships; returns the memberships that were removed. */
  async purge(connectionId: ConnectionId): Promise<Membership[]> {
    const rooms = await this.deps.memberships.roomsOf(connectionId);
    const removed = await Promise.all(rooms.map((room) => this.deps.memberships.remove(room, connectionId)));
    // The connection record goes last: if this is interrupted, a retry still finds the rooms to clean.
    await this.deps.connections.remove(connectionId);
    return removed.filter((membership): membership is Membership => membership !== undefined);
  }
}
