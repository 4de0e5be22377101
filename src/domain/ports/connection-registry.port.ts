// Port (driven): where live connections are recorded. Implemented by DynamoDB in production.

import type { Connection, ConnectionId } from '../model/connection.js';
import type { UserId } from '../model/identity.js';

export interface ConnectionsPage {
  readonly connections: readonly Connection[];
  /** Opaque; pass it back to get the next page. Absent on the last page. */
  readonly cursor?: string;
}

export interface ConnectionRegistryPort {
  /** Records a new connection (or replaces the record of the same id). */
  register(connection: Connection): Promise<void>;

  /** The connection's record, or undefined when it is unknown or has expired. */
  find(connectionId: ConnectionId): Promise<Connection | undefined>;

  /** Deletes the connection's record. Removing an unknown connection is not an error. */
  remove(connectionId: ConnectionId): Promise<void>;

  /** Every unexpired connection of a user (all their tabs and devices). A user has few, so no paging. */
  connectionsOfUser(userId: UserId): Promise<Connection[]>;

  /**
   * One page of every unexpired connection, in a stable order, for a broadcast to everyone. A page may
   * hold fewer than `limit` connections and still have a cursor. Without `partition`, the pages walk
   * every partition in turn; with it, only that partition (one shard of a sharded broadcast).
   */
  connectionsPage(options: { cursor?: string; limit: number; partition?: number }): Promise<ConnectionsPage>;

  /** How many partitions `connectionsPage` spreads connections over (shards of a broadcast). */
  readonly partitions: number;
}
