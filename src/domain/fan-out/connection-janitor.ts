// Domain service: forgets a connection completely (its record and every membership). Used by disconnect
// and by the fan-out when API Gateway reports a recipient gone.

import type { ConnectionId, Membership } from '../model/connection.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';

export class ConnectionJanitor {
  constructor(
    private readonly deps: { connections: ConnectionRegistryPort; memberships: RoomMembershipPort },
  ) {}

  /** Removes the connection and its memberships; returns the memberships that were removed. */
  async purge(connectionId: ConnectionId): Promise<Membership[]> {
    const rooms = await this.deps.memberships.roomsOf(connectionId);
    const removed = await Promise.all(rooms.map((room) => this.deps.memberships.remove(room, connectionId)));
    // The connection record goes last: if this is interrupted, a retry still finds the rooms to clean.
    await this.deps.connections.remove(connectionId);
    return removed.filter((membership): membership is Membership => membership !== undefined);
  }
}
