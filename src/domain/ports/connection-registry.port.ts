// Port (driven): where live connections are recorded. Implemented by DynamoDB in production.

import type { Connection, ConnectionId } from '../model/connection.js';
import type { UserId } from '../model/identity.js';

export interface ConnectionRegistryPort {
  /** Records a new connection (or replaces the record of the same id). */
  register(connection: Connection): Promise<void>;

  /** The connection's record, or undefined when it is unknown or has expired. */
  find(connectionId: ConnectionId): Promise<Connection | undefined>;

  /** Deletes the connection's record. Removing an unknown connection is not an error. */
  remove(connectionId: ConnectionId): Promise<void>;

  /** Every unexpired connection of a user (all their tabs and devices). A user has few, so no paging. */
  connectionsOfUser(userId: UserId): Promise<Connection[]>;
}
