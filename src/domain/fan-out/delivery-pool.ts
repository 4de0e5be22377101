// Domain service: the delivery loop every fan-out strategy shares. A fixed pool of workers pulls
// recipients from one stream and delivers, so at most one page plus the deliveries in flight are held.

import type { ConnectionId } from '../model/connection.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { ServerEvent } from '../protocol/server-events.js';
import type { ConnectionJanitor } from './connection-janitor.js';
import type { FanOutReport } from './fan-out.port.js';

export interface DeliveryPoolDeps {
  readonly notifier: NotifierPort;
  readonly janitor: ConnectionJanitor;
  readonly clock: ClockPort;
  readonly logger: LoggerPort;
  readonly concurrency: number;
}

/**
 * Delivers the event to every recipient the stream yields. A recipient reported gone is purged; one that
 * fails otherwise is counted and kept. A stream that throws ends the run with `complete: false`.
 */
export async function deliverToEach(
  deps: DeliveryPoolDeps,
  target: string,
  recipients: AsyncIterator<ConnectionId>,
  event: ServerEvent,
): Promise<FanOutReport> {
  const startedAt = deps.clock.now();
  const counts = { recipients: 0, delivered: 0, gone: 0, failed: 0 };

  const deliverOne = async (connectionId: ConnectionId): Promise<void> => {
    counts.recipients += 1;
    let outcome: 'delivered' | 'gone' | 'failed';
    try {
      outcome = await deps.notifier.deliver(connectionId, event);
    } catch (error) {
      outcome = 'failed';
      deps.logger.warn('delivery failed', { target, connectionId, error });
    }
    counts[outcome] += 1;
    if (outcome === 'gone') await forget(deps, connectionId, target);
  };

  // Workers pull from one shared iterator: an async generator queues concurrent next() calls,
  // so each member is taken once and at most `concurrency` deliveries are ever in flight.
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = await recipients.next();
      if (next.done === true) return;
      await deliverOne(next.value);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: deps.concurrency }, worker));
  const listingError = results.find((result) => result.status === 'rejected');
  if (listingError !== undefined) {
    deps.logger.error('fan-out stopped: could not list recipients', { target, error: listingError.reason });
  }
  const report = {
    target,
    ...counts,
    durationMs: deps.clock.now() - startedAt,
    complete: listingError === undefined,
  };
  // Every fan-out leaves one structured line: operators alarm on `failed` and watch `gone`.
  deps.logger.info('fan-out', {
    ...report,
    event: event.type,
    ...('seq' in event ? { seq: event.seq } : {}),
  });
  return report;
}

/** The report of a fan-out that delivered nothing itself: skipped, handed to workers, or cut short. */
export function reportWithoutDeliveries(
  target: string,
  durationMs: number,
  extra: Partial<FanOutReport> = {},
): FanOutReport {
  return { target, recipients: 0, delivered: 0, gone: 0, failed: 0, durationMs, complete: true, ...extra };
}

/** A gone recipient is removed; failing to remove it must not stop delivery to the others. */
async function forget(deps: DeliveryPoolDeps, connectionId: ConnectionId, target: string): Promise<void> {
  try {
    await deps.janitor.purgeGone(connectionId);
  } catch (error) {
    deps.logger.warn('could not remove a gone connection', { target, connectionId, error });
  }
}
