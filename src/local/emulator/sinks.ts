// Local emulator: sink connections for scale benchmarks. A sink is a connection id the @connections API
// accepts without a socket behind it: each post is counted (after the account limit and the latency
// fault, like any post), so a benchmark can fan out to 100,000 recipients on one machine.

import { awsShapedId } from './ids.js';

export interface SinkDeliveries {
  /** Sinks registered and not deleted. */
  readonly sinks: number;
  /** Posts accepted by every sink, repeats included. */
  readonly total: number;
  /** Sinks that received at least one post. */
  readonly reached: number;
  /** Scheduler time of the last accepted post; undefined before the first. */
  readonly lastDeliveryAt: number | undefined;
}

interface Sink {
  readonly registeredAt: number;
  lastActiveAt: number;
  deliveries: number;
}

export class Sinks {
  private readonly sinks = new Map<string, Sink>();
  private total = 0;
  private reached = 0;
  private lastDeliveryAt: number | undefined;

  /** Registers `count` sinks with ids shaped like API Gateway's; returns them in order. */
  add(count: number, now: number): string[] {
    const ids: string[] = [];
    while (ids.length < count) {
      const id = awsShapedId();
      if (this.sinks.has(id)) continue;
      this.sinks.set(id, { registeredAt: now, lastActiveAt: now, deliveries: 0 });
      ids.push(id);
    }
    return ids;
  }

  has(connectionId: string): boolean {
    return this.sinks.has(connectionId);
  }

  /** Counts one accepted post; false when there is no such sink. */
  record(connectionId: string, now: number): boolean {
    const sink = this.sinks.get(connectionId);
    if (sink === undefined) return false;
    if (sink.deliveries === 0) this.reached += 1;
    sink.deliveries += 1;
    sink.lastActiveAt = now;
    this.total += 1;
    this.lastDeliveryAt = now;
    return true;
  }

  /** What GetConnection reports for a sink. */
  info(connectionId: string): { connectedAt: number; lastActiveAt: number } | undefined {
    const sink = this.sinks.get(connectionId);
    return sink === undefined
      ? undefined
      : { connectedAt: sink.registeredAt, lastActiveAt: sink.lastActiveAt };
  }

  /** DeleteConnection on a sink: it is gone from then on. */
  remove(connectionId: string): boolean {
    const sink = this.sinks.get(connectionId);
    if (sink === undefined) return false;
    if (sink.deliveries > 0) this.reached -= 1;
    this.sinks.delete(connectionId);
    return true;
  }

  /** Posts each sink accepted; 0 for an unknown id. */
  deliveriesTo(connectionId: string): number {
    return this.sinks.get(connectionId)?.deliveries ?? 0;
  }

  deliveries(): SinkDeliveries {
    return {
      sinks: this.sinks.size,
      total: this.total,
      reached: this.reached,
      lastDeliveryAt: this.lastDeliveryAt,
    };
  }

  /** Zeroes every count, keeping the sinks: one benchmark round after another on the same sinks. */
  resetCounts(): void {
    for (const sink of this.sinks.values()) sink.deliveries = 0;
    this.total = 0;
    this.reached = 0;
    this.lastDeliveryAt = undefined;
  }

  clear(): void {
    this.sinks.clear();
    this.resetCounts();
  }
}
