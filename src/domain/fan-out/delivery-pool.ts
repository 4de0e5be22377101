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
  return (await deliverUntil(deps, target, recipients, event, undefined)).report;
}

/** What a run with a deadline did, and the recipients it left for someone else to serve. */
export interface TimedDelivery {
  readonly report: FanOutReport;
  /** Listed but never tried because the deadline passed: empty when the run finished in time. */
  readonly unserved: readonly ConnectionId[];
}

/**
 * As `deliverToEach`, but no delivery starts after `deadline` (clock time): the recipients the stream
 * still holds then are listed and returned unserved, so the caller can hand them on and return in time.
 */
export async function deliverUntil(
  deps: DeliveryPoolDeps,
  target: string,
  recipients: AsyncIterator<ConnectionId>,
  event: ServerEvent,
  deadline: number | undefined,
): Promise<TimedDelivery> {
  const startedAt = deps.clock.now();
  const counts = { recipients: 0, delivered: 0, gone: 0, failed: 0 };
  let late = false;

  const unserved: ConnectionId[] = [];
  const options = deadline === undefined ? undefined : { startBy: deadline };
  const deliverOne = async (connectionId: ConnectionId): Promise<void> => {
    let outcome: 'delivered' | 'gone' | 'failed' | 'late';
    try {
      outcome = await deps.notifier.deliver(connectionId, event, options);
    } catch (error) {
      outcome = 'failed';
      deps.logger.warn('delivery failed', { target, connectionId, error });
    }
    if (outcome === 'late') {
      // Its turn for a connection came after the deadline (in a process where calls queue for one).
      late = true;
      unserved.push(connectionId);
      return;
    }
    counts.recipients += 1;
    counts[outcome] += 1;
    if (outcome === 'gone') await forget(deps, connectionId, target);
  };

  // Workers pull from one shared iterator: an async generator queues concurrent next() calls,
  // so each member is taken once and at most `concurrency` deliveries are ever in flight.
  const worker = async (): Promise<void> => {
    for (;;) {
      if (deadline !== undefined && deps.clock.now() >= deadline) {
        late = true;
        return;
      }
      const next = await recipients.next();
      if (next.done === true) return;
      await deliverOne(next.value);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: deps.concurrency }, worker));
  let listingError: unknown = results.find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  )?.reason;
  if (late && listingError === undefined) {
    try {
      for (let next = await recipients.next(); next.done !== true; next = await recipients.next()) {
        unserved.push(next.value);
      }
    } catch (error) {
      listingError = error;
    }
  }
  if (listingError !== undefined) {
    deps.logger.error('fan-out stopped: could not list recipients', { target, error: listingError });
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
    ...(unserved.length > 0 ? { unserved: unserved.length } : {}),
    event: event.type,
    ...('seq' in event ? { seq: event.seq } : {}),
  });
  return { report, unserved };
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
