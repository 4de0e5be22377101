// Local emulator: what API Gateway would bill for the traffic seen, messages and connection minutes.

export interface GatewayStats {
  readonly connections: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** API Gateway meters messages in 32 KB increments: a 33 KB message bills as two. */
  readonly billableMessages: number;
  readonly connectionMinutes: number;
}

const BILLING_UNIT = 32 * 1024;

export class Meter {
  private messagesIn = 0;
  private messagesOut = 0;
  private billable = 0;
  private closedConnectionMs = 0;

  message(bytes: number, direction: 'in' | 'out'): void {
    if (direction === 'in') this.messagesIn += 1;
    else this.messagesOut += 1;
    this.billable += Math.max(1, Math.ceil(bytes / BILLING_UNIT));
  }

  connectionClosed(openMs: number): void {
    this.closedConnectionMs += openMs;
  }

  /** `openMs`: how long each connection still open has been open so far. */
  stats(openMs: readonly number[]): GatewayStats {
    const totalMs = openMs.reduce((sum, ms) => sum + ms, this.closedConnectionMs);
    return {
      connections: openMs.length,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      billableMessages: this.billable,
      connectionMinutes: Math.ceil(totalMs / 60_000),
    };
  }
}
