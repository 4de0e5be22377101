// Driven adapter support: a counting semaphore that caps the @connections calls in flight from one
// process. Callers beyond the cap wait here, in order, before their request exists, so the HTTP request
// timeout measures the call itself and never the wait for a free socket. Replies to a request wait in
// their own line, served first: in a process where many invocations share the cap (the local stack),
// one room's fan-out would otherwise queue every other user's answer behind thousands of deliveries.

export type Lane = 'reply' | 'delivery';

export interface Turn {
  readonly lane?: Lane;
  /** Epoch ms: a caller still waiting then gives up its place with `NotStartedError`. */
  readonly startBy?: number;
}

/** The call never started: its turn came after its `startBy`. */
export class NotStartedError extends Error {
  override readonly name = 'NotStartedError';
}

interface Waiter {
  readonly startBy: number;
  readonly start: () => void;
  readonly giveUp: () => void;
}

export class InFlightLimit {
  private active = 0;
  private readonly waiting: Record<Lane, Waiter[]> = { reply: [], delivery: [] };

  constructor(
    readonly max: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(work: () => Promise<T>, turn: Turn = {}): Promise<T> {
    if (this.active >= this.max) {
      await new Promise<void>((start, reject) =>
        this.waiting[turn.lane ?? 'delivery'].push({
          startBy: turn.startBy ?? Number.POSITIVE_INFINITY,
          start,
          giveUp: () => reject(new NotStartedError('no free slot before the call had to start')),
        }),
      );
    } else this.active += 1;
    try {
      return await work();
    } finally {
      this.handOver();
    }
  }

  /** Gives the freed slot to the next waiter still in time, replies first, or frees it. */
  private handOver(): void {
    const now = this.now();
    for (;;) {
      const next = this.waiting.reply.shift() ?? this.waiting.delivery.shift();
      if (next === undefined) {
        this.active -= 1;
        return;
      }
      if (next.startBy >= now) {
        next.start();
        return;
      }
      next.giveUp();
    }
  }
}
