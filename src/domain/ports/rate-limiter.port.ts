// Port (driven): where each connection's rate-limit state lives (DynamoDB in production).

import type { ConnectionId } from '../model/connection.js';
import type { RateLimit } from '../rate-limit.js';

export interface RateLimiterPort {
  /**
   * Takes one frame's worth from the connection's bucket, atomically. `expiresAt` bounds how long the
   * state is kept (the connection's own expiry).
   */
  take(
    connectionId: ConnectionId,
    limit: RateLimit,
    expiresAt: number,
  ): Promise<{ allowed: boolean; retryAfterMs: number }>;
}
