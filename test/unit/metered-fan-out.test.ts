// Unit: every fan-out's outcome becomes CloudWatch metrics (EMF) that operators can alarm on.

import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from '@jest/globals';
import type { FanOutPort, FanOutReport } from '../../src/domain/index.js';
import { MeteredFanOut } from '../../src/handlers/runtime/metered-fan-out.js';

const report = (overrides: Partial<FanOutReport> = {}): FanOutReport => ({
  target: 'room:general',
  recipients: 10,
  delivered: 7,
  gone: 2,
  failed: 1,
  durationMs: 42,
  complete: true,
  ...overrides,
});

function strategyReturning(result: FanOutReport): FanOutPort {
  return { toRoom: async () => result, toConnections: async () => result, toEveryone: async () => result };
}

describe('MeteredFanOut', () => {
  it('publishes recipients, outcomes and duration of each fan-out, and returns the report unchanged', async () => {
    const metrics = new Metrics({ namespace: 'roomcast', serviceName: 'test' });
    const fanOut = new MeteredFanOut(strategyReturning(report()), metrics);

    const result = await fanOut.toRoom('general', { type: 'pong', serverTime: 0 });
    await fanOut.toConnections(['a'], { type: 'pong', serverTime: 0 });
    await fanOut.toEveryone({ type: 'pong', serverTime: 0 });

    expect(result).toEqual(report());
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
    expect(emf).toMatchObject({
      FanOutRecipients: [10, 10, 10],
      DeliveriesSucceeded: [7, 7, 7],
      DeliveriesGone: [2, 2, 2],
      DeliveriesFailed: [1, 1, 1],
      FanOutDuration: [42, 42, 42],
    });
    expect(emf['FanOutIncomplete']).toBeUndefined();
  });

  it('counts an incomplete fan-out', async () => {
    const metrics = new Metrics({ namespace: 'roomcast', serviceName: 'test' });
    await new MeteredFanOut(strategyReturning(report({ complete: false })), metrics).toRoom('r', {
      type: 'pong',
      serverTime: 0,
    });
    expect(metrics.serializeMetrics()).toMatchObject({ FanOutIncomplete: 1 });
  });
});
