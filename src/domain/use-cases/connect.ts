// Use case `$connect`: record the connection for the authorized identity and auto-join the lobby.
// (driving adapter) --> connect --> connection registry, memberships, fan-out

import { membershipOf, type Connection, type ConnectionId } from '../model/connection.js';
import type { Identity } from '../model/identity.js';
import { mayEnter, type Permissions } from '../model/permissions.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutReport } from '../fan-out/fan-out.port.js';
import type { BanPort } from '../ports/ban.port.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import { ChatError } from '../protocol/errors.js';
import type { MembershipAnnouncer } from './membership-announcer.js';

export interface ConnectDeps {
  readonly connections: ConnectionRegistryPort;
  readonly memberships: RoomMembershipPort;
  readonly announcer: MembershipAnnouncer;
  /** Without one, nobody is banned from the lobby. */
  readonly bans?: BanPort;
  readonly clock: ClockPort;
  readonly policy: ChatPolicy;
}

export interface ConnectResult {
  readonly connection: Connection;
  readonly lobbyJoined?: FanOutReport | 'already-present';
}

/**
 * Guard: a user already holding `maxConnectionsPerUser` live connections is refused (`too_many_connections`,
 * which the handshake answers with 429). Expired records do not count, and neither does this connection's
 * own record (a retried `$connect`). The cap is soft: handshakes of one user that run at the same time
 * may each count the same connections and all pass; the overshoot is at most the handshakes in flight at
 * once, and the next handshake counts them all, so it heals itself without a counter that a lost
 * `$disconnect` could leave wrong.
 *
 * Primary course: 1. record the connection with an expiry (API Gateway closes it within 2 hours, and
 * `$disconnect` is best effort); 2. join the lobby, if one is configured and the user may enter it (room
 * patterns, bans: a user kept out of it still connects); 3. tell the lobby.
 * Nothing is sent to the new connection: API Gateway refuses posts until `$connect` has returned.
 */
export class Connect {
  constructor(private readonly deps: ConnectDeps) {}

  async execute(input: {
    connectionId: ConnectionId;
    identity: Identity;
    permissions?: Permissions;
    connectedAt?: number;
  }): Promise<ConnectResult> {
    const lobby = this.deps.policy.lobbyRoom;
    const mayJoinLobby = lobby !== null && mayEnter(input.permissions, lobby);
    // The lobby's ban is read beside the connection count: no extra round trip.
    const [, banned] = await Promise.all([
      this.refuseOverCap(input.identity, input.connectionId),
      mayJoinLobby ? this.deps.bans?.isBanned(lobby, input.identity.userId) : undefined,
    ]);
    const connectedAt = input.connectedAt ?? this.deps.clock.now();
    const connection: Connection = {
      connectionId: input.connectionId,
      userId: input.identity.userId,
      displayName: input.identity.displayName,
      connectedAt,
      expiresAt: connectedAt + this.deps.policy.connectionTtlMs,
    };
    await this.deps.connections.register(connection);

    if (lobby === null || !mayJoinLobby || banned === true) return { connection };
    await this.deps.memberships.add(membershipOf(connection, lobby, this.deps.clock.now()));
    const report = await this.deps.announcer.joined(lobby, input.identity, input.connectionId);
    return { connection, lobbyJoined: report ?? 'already-present' };
  }

  private async refuseOverCap(identity: Identity, connectionId: ConnectionId): Promise<void> {
    const cap = this.deps.policy.maxConnectionsPerUser;
    const live = await this.deps.connections.connectionsOfUser(identity.userId);
    const others = live.filter((connection) => connection.connectionId !== connectionId).length;
    if (others >= cap) {
      throw new ChatError(
        'too_many_connections',
        `This user already has ${others} connections; close one first`,
        {
          maxConnections: cap,
        },
      );
    }
  }
}
