// Client SDK: exactly-once, in-order delivery for one conversation (a room, or a direct conversation
// with one peer). Events arrive live, in join replies and in history pages, possibly twice (across a
// reconnect) and out of order (the service fans out concurrently); sequence numbers are gap-free, so
// the cursor can hold back what comes early, drop what it already delivered and name the gap to fetch.

export type Source = 'live' | 'missed' | 'history';

export interface Sequenced {
  readonly seq: number;
}

export interface Gap {
  /** Last sequence number delivered. */
  readonly after: number;
  /** First sequence number held back. */
  readonly before: number;
}

export class SequenceCursor<E extends Sequenced> {
  private last: number | undefined;
  private readonly held = new Map<number, { event: E; source: Source }>();

  constructor(
    private readonly deliver: (event: E, source: Source) => void,
    last?: number,
  ) {
    this.last = last;
  }

  /** The highest sequence number delivered; undefined until the starting point is known. */
  get lastDelivered(): number | undefined {
    return this.last;
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Fixes the starting point (nothing at or below it is delivered) and releases what follows it. */
  startAfter(seq: number): void {
    if (this.last !== undefined && this.last >= seq) return;
    this.last = seq;
    for (const held of [...this.held.keys()]) if (held <= seq) this.held.delete(held);
    this.drain();
  }

  /** Takes one event: delivers it if it is next, holds it if it is early, drops it if it is old. */
  offer(event: E, source: Source): void {
    if (!Number.isInteger(event.seq) || event.seq < 1) return;
    if (this.last !== undefined && event.seq <= this.last) return;
    if (!this.held.has(event.seq)) this.held.set(event.seq, { event, source });
    this.drain();
  }

  /** The range to fetch when events are held back behind a missing one. */
  gap(): Gap | undefined {
    if (this.last === undefined || this.held.size === 0) return undefined;
    const before = Math.min(...this.held.keys());
    return before > this.last + 1 ? { after: this.last, before } : undefined;
  }

  /**
   * Gives up on the range below `before` once history said it holds nothing more (expired messages):
   * what is held from `before` on is delivered.
   */
  skipTo(before: number): void {
    if (this.last === undefined || before - 1 <= this.last) return;
    this.last = before - 1;
    this.drain();
  }

  private drain(): void {
    if (this.last === undefined) return;
    for (;;) {
      const next = this.held.get(this.last + 1);
      if (next === undefined) return;
      this.held.delete(this.last + 1);
      this.last += 1;
      this.deliver(next.event, next.source);
    }
  }
}
