// Test fake for NotifierPort: records what each connection received and measures deliveries in flight.

import type { ConnectionId, DeliveryOutcome, NotifierPort, ServerEvent } from '../../src/domain/index.js';

export class RecordingNotifier implements NotifierPort {
  private readonly received = new Map<ConnectionId, ServerEvent[]>();
  /** Connections that API Gateway would report as gone (410). */
  readonly gone = new Set<ConnectionId>();
  /** Connections whose delivery fails with an error other than gone. */
  readonly failing = new Set<ConnectionId>();
  readonly closed: ConnectionId[] = [];
  /** Connections opened with `open`; with `onlyOpened`, any other connection is gone, as with API Gateway. */
  private readonly opened = new Set<ConnectionId>();
  onlyOpened = false;
  inFlight = 0;
  maxInFlight = 0;
  deliveries = 0;
  /** When true each delivery yields to the event loop first, so concurrent deliveries overlap. */
  yieldOnDeliver = false;

  async deliver(connectionId: ConnectionId, event: ServerEvent): Promise<DeliveryOutcome> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.yieldOnDeliver) await new Promise<void>((resolve) => setImmediate(resolve));
      this.deliveries += 1;
      if (this.isGone(connectionId)) return 'gone';
      if (this.failing.has(connectionId)) throw new Error(`delivery to ${connectionId} failed`);
      const events = this.received.get(connectionId) ?? [];
      events.push(event);
      this.received.set(connectionId, events);
      return 'delivered';
    } finally {
      this.inFlight -= 1;
    }
  }

  async close(connectionId: ConnectionId): Promise<'closed' | 'gone'> {
    if (this.isGone(connectionId)) return 'gone';
    this.closed.push(connectionId);
    this.gone.add(connectionId);
    return 'closed';
  }

  /** Marks a connection as open (see `onlyOpened`). */
  open(connectionId: ConnectionId): void {
    this.opened.add(connectionId);
  }

  private isGone(connectionId: ConnectionId): boolean {
    return this.gone.has(connectionId) || (this.onlyOpened && !this.opened.has(connectionId));
  }

  /** Everything a connection received, oldest first. */
  eventsOf(connectionId: ConnectionId): ServerEvent[] {
    return [...(this.received.get(connectionId) ?? [])];
  }

  /** What a connection received of one event type. */
  ofType<T extends ServerEvent['type']>(
    connectionId: ConnectionId,
    type: T,
  ): Extract<ServerEvent, { type: T }>[] {
    return this.eventsOf(connectionId).filter(
      (event): event is Extract<ServerEvent, { type: T }> => event.type === type,
    );
  }

  /** Connections that received at least one event of the type. */
  recipientsOf(type: ServerEvent['type']): ConnectionId[] {
    return [...this.received].filter(([, events]) => events.some((e) => e.type === type)).map(([id]) => id);
  }

  clear(): void {
    this.received.clear();
  }
}
