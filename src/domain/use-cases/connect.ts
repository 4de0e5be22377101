// Use case `$connect`: record the connection for the authorized identity and auto-join the lobby.
// (driving adapter) --> connect --> connection registry, memberships, fan-out

import { membershipOf, type Connection, type ConnectionId } from '../model/connection.js';
import type { Identity } from '../model/identity.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutReport } from '../fan-out/fan-out.port.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { MembershipAnnouncer } from './membership-announcer.js';

export interface ConnectDeps {
  readonly connections: ConnectionRegistryPort;
  readonly memberships: RoomMembershipPort;
  readonly announcer: MembershipAnnouncer;
  readonly clock: ClockPort;
  readonly policy: ChatPolicy;
}

export interface ConnectResult {
  readonly connection: Connection;
  readonly lobbyJoined?: FanOutReport | 'already-present';
}

/**
 * Primary course: 1. record the connection with an expiry (API Gateway closes it within 2 hours, and
 * `$disconnect` is best effort); 2. join the lobby, if one is configured; 3. tell the lobby.
 * Nothing is sent to the new connection: API Gateway refuses posts until `$connect` has returned.
 */
export class Connect {
  constructor(private readonly deps: ConnectDeps) {}

  async execute(input: {
    connectionId: ConnectionId;
    identity: Identity;
    connectedAt?: number;
  }): Promise<ConnectResult> {
    const connectedAt = input.connectedAt ?? this.deps.clock.now();
    const connection: Connection = {
      connectionId: input.connectionId,
      userId: input.identity.userId,
      displayName: input.identity.displayName,
      connectedAt,
      expiresAt: connectedAt + this.deps.policy.connectionTtlMs,
    };
    await this.deps.connections.register(connection);

    const lobby = this.deps.policy.lobbyRoom;
    if (lobby === null) return { connection };
    await this.deps.memberships.add(membershipOf(connection, lobby, this.deps.clock.now()));
    const report = await this.deps.announcer.joined(lobby, input.identity, input.connectionId);
    return { connection, lobbyJoined: report ?? 'already-present' };
  }
}
