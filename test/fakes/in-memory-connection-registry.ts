// Test fake for ConnectionRegistryPort: a map, with the same expiry rule as the real adapter.

import type {
  ClockPort,
  Connection,
  ConnectionId,
  ConnectionRegistryPort,
  ConnectionsPage,
  UserId,
} from '../../src/domain/index.js';

export class InMemoryConnectionRegistry implements ConnectionRegistryPort {
  private readonly records = new Map<ConnectionId, Connection>();

  constructor(private readonly clock: ClockPort) {}

  async register(connection: Connection): Promise<void> {
    this.records.set(connection.connectionId, connection);
  }

  async find(connectionId: ConnectionId): Promise<Connection | undefined> {
    const record = this.records.get(connectionId);
    return record !== undefined && this.live(record) ? record : undefined;
  }

  async remove(connectionId: ConnectionId): Promise<void> {
    this.records.delete(connectionId);
  }

  async connectionsOfUser(userId: UserId): Promise<Connection[]> {
    return [...this.records.values()].filter((record) => record.userId === userId && this.live(record));
  }

  async connectionsPage(options: { cursor?: string; limit: number }): Promise<ConnectionsPage> {
    const ids = [...this.records.keys()].sort();
    const after =
      options.cursor === undefined ? undefined : Buffer.from(options.cursor, 'base64url').toString('utf8');
    const rest = after === undefined ? ids : ids.filter((id) => id > after);
    const raw = rest.slice(0, options.limit);
    const connections = raw
      .map((id) => this.records.get(id) as Connection)
      .filter((record) => this.live(record));
    const last = raw[raw.length - 1];
    return rest.length > options.limit && last !== undefined
      ? { connections, cursor: Buffer.from(last, 'utf8').toString('base64url') }
      : { connections };
  }

  /** Every record held, expired or not: what a test inspects to find leftovers. */
  stored(): Connection[] {
    return [...this.records.values()];
  }

  private live(record: Connection): boolean {
    return record.expiresAt > this.clock.now();
  }
}
