// Port (driven): pushes events to connections. Implemented with API Gateway's @connections API in production.

import type { ConnectionId } from '../model/connection.js';
import type { ServerEvent } from '../protocol/server-events.js';

/**
 * `gone`: the connection no longer exists (HTTP 410 from API Gateway); the caller should forget it.
 * `late`: nothing was sent, because the call could not start by the `startBy` the caller gave.
 */
export type DeliveryOutcome = 'delivered' | 'gone' | 'late';

/**
 * `reply`: the answer to the connection that made a request (an ack, a pong). Where many deliveries wait
 * for the same connections to API Gateway, replies go first: one user's fan-out must not hold up another
 * user's answer.
 */
export interface DeliveryOptions {
  readonly reply?: boolean;
  /**
   * Epoch ms. A delivery still waiting for its turn then is not made and resolves `late`, so a fan-out
   * past its time budget can hand the recipient to someone else instead of holding its invocation.
   */
  readonly startBy?: number;
}

export interface NotifierPort {
  /**
   * Sends one event to one connection. Resolves `gone` for a connection that no longer exists;
   * rejects for any other failure after the adapter's own retries.
   */
  deliver(
    connectionId: ConnectionId,
    event: ServerEvent,
    options?: DeliveryOptions,
  ): Promise<DeliveryOutcome>;

  /** Closes a connection (API Gateway then runs `$disconnect`). Resolves `gone` if it was already closed. */
  close(connectionId: ConnectionId): Promise<'closed' | 'gone'>;
}
