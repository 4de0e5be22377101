// Test fake for ConnectionRegistryPort: a map, with the same expiry rule as the real adapter.

import {
  stableHash,
  type ClockPort,
  type Connection,
  type ConnectionId,
  type ConnectionRegistryPort,
  type ConnectionsPage,
  type UserId,
} from '../../src/domain/index.js';

export class InMemoryConnectionRegistry implements ConnectionRegistryPort {
  private readonly records = new Map<ConnectionId, Connection>();

  /** Connections are spread over partitions by a hash of their id, as the real index spreads them. */
  constructor(
    private readonly clock: ClockPort,
    readonly partitions = 4,
  ) {}

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

  async connectionsPage(options: {
    cursor?: string;
    limit: number;
    partition?: number;
  }): Promise<ConnectionsPage> {
    const only = options.partition;
    if (only !== undefined && !(Number.isInteger(only) && only >= 0 && only < this.partitions)) {
      throw new RangeError(`partition must be 0 to ${this.partitions - 1}`);
    }
    // Ordered by partition, then id: a walk over every partition reads them one after the other.
    const ids = [...this.records.keys()]
      .filter((id) => only === undefined || this.partitionOf(id) === only)
      .map((id) => `${String(this.partitionOf(id)).padStart(4, '0')}#${id}`)
      .sort();
    const after =
      options.cursor === undefined ? undefined : Buffer.from(options.cursor, 'base64url').toString('utf8');
    const rest = after === undefined ? ids : ids.filter((id) => id > after);
    const raw = rest.slice(0, options.limit);
    const connections = raw
      .map((key) => this.records.get(key.slice(5)) as Connection)
      .filter((record) => this.live(record));
    const last = raw[raw.length - 1];
    return rest.length > options.limit && last !== undefined
      ? { connections, cursor: Buffer.from(last, 'utf8').toString('base64url') }
      : { connections };
  }

  private partitionOf(connectionId: ConnectionId): number {
    return stableHash(connectionId) % this.partitions;
  }

  /** Every record held, expired or not: what a test inspects to find leftovers. */
  stored(): Connection[] {
    return [...this.records.values()];
  }

  private live(record: Connection): boolean {
    return record.expiresAt > this.clock.now();
  }
}
