// Port (driven): pushes events to connections. Implemented with API Gateway's @connections API in production.

import type { ConnectionId } from '../model/connection.js';
import type { ServerEvent } from '../protocol/server-events.js';

/** `gone`: the connection no longer exists (HTTP 410 from API Gateway); the caller should forget it. */
export type DeliveryOutcome = 'delivered' | 'gone';

export interface NotifierPort {
  /**
   * Sends one event to one connection. Resolves `gone` for a connection that no longer exists;
   * rejects for any other failure after the adapter's own retries.
   */
  deliver(connectionId: ConnectionId, event: ServerEvent): Promise<DeliveryOutcome>;

  /** Closes a connection (API Gateway then runs `$disconnect`). Resolves `gone` if it was already closed. */
  close(connectionId: ConnectionId): Promise<'closed' | 'gone'>;
}
