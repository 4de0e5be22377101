// Driving side: publishes every fan-out's outcome as CloudWatch metrics (EMF), so operators can
// alarm on failed deliveries. Wraps whichever fan-out strategy the domain uses.

import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type {
  ConnectionId,
  FanOutOptions,
  FanOutPort,
  FanOutReport,
  PreparedRoom,
  RoomName,
  ServerEvent,
} from '../../domain/index.js';

export class MeteredFanOut implements FanOutPort {
  constructor(
    private readonly inner: FanOutPort,
    private readonly metrics: Metrics,
  ) {}

  async toRoom(room: RoomName, event: ServerEvent, options?: FanOutOptions): Promise<FanOutReport> {
    return this.publish(await this.inner.toRoom(room, event, options));
  }

  prepare(room: RoomName): PreparedRoom {
    return this.inner.prepare?.(room) ?? { room };
  }

  async toConnections(connectionIds: readonly ConnectionId[], event: ServerEvent): Promise<FanOutReport> {
    return this.publish(await this.inner.toConnections(connectionIds, event));
  }

  async toEveryone(event: ServerEvent, options?: Pick<FanOutOptions, 'onAccepted'>): Promise<FanOutReport> {
    return this.publish(await this.inner.toEveryone(event, options));
  }

  private publish(report: FanOutReport): FanOutReport {
    if (report.skipped !== undefined) {
      this.metrics.addMetric('FanOutsSkipped', MetricUnit.Count, 1);
      return report;
    }
    if (report.queuedJobs !== undefined) {
      // Handed to workers: they publish the deliveries (fanout.ts); here, only the hand-off.
      this.metrics.addMetric('FanOutJobsQueued', MetricUnit.Count, report.queuedJobs);
      return report;
    }
    this.metrics.addMetric('FanOutRecipients', MetricUnit.Count, report.recipients);
    this.metrics.addMetric('DeliveriesSucceeded', MetricUnit.Count, report.delivered);
    this.metrics.addMetric('DeliveriesGone', MetricUnit.Count, report.gone);
    this.metrics.addMetric('DeliveriesFailed', MetricUnit.Count, report.failed);
    this.metrics.addMetric('FanOutDuration', MetricUnit.Milliseconds, report.durationMs);
    if (!report.complete) this.metrics.addMetric('FanOutIncomplete', MetricUnit.Count, 1);
    // An inline fan-out that ran out of time: its other recipients are the workers' (they publish those).
    if (report.handedOff !== undefined) {
      this.metrics.addMetric('DeliveriesHandedOff', MetricUnit.Count, report.handedOff);
    }
    return report;
  }
}
