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

  it('counts a fan-out skipped on purpose (room too large) without publishing delivery counts', async () => {
    const metrics = new Metrics({ namespace: 'roomcast', serviceName: 'test' });
    const skipped = report({ skipped: 'room_too_large', recipients: 0, delivered: 0, gone: 0, failed: 0 });
    const fanOut = new MeteredFanOut(strategyReturning(skipped), metrics);

    expect(await fanOut.toRoom('general', { type: 'pong', serverTime: 0 }, { atMost: 5 })).toEqual(skipped);
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
    expect(emf['FanOutsSkipped']).toBe(1);
    expect(emf['FanOutRecipients']).toBeUndefined();
  });

  it('counts the jobs of a fan-out handed to workers, and nothing about deliveries that happen later', async () => {
    const metrics = new Metrics({ namespace: 'roomcast', serviceName: 'test' });
    const queued = report({ queuedJobs: 3 });
    const fanOut = new MeteredFanOut(strategyReturning(queued), metrics);

    expect(await fanOut.toEveryone({ type: 'pong', serverTime: 0 })).toEqual(queued);
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
    expect(emf['FanOutJobsQueued']).toBe(3);
    expect(emf['FanOutRecipients']).toBeUndefined();
  });

  it('counts the recipients an inline fan-out handed to workers when it ran out of time', async () => {
    const metrics = new Metrics({ namespace: 'roomcast', serviceName: 'test' });
    await new MeteredFanOut(strategyReturning(report({ handedOff: 25 })), metrics).toRoom('general', {
      type: 'pong',
      serverTime: 0,
    });
    expect(metrics.serializeMetrics()).toMatchObject({ DeliveriesHandedOff: 25, FanOutRecipients: 10 });
  });

  it('passes a preparation to the strategy it wraps, and hands back what it started', () => {
    const prepared: string[] = [];
    const inner: FanOutPort = {
      ...strategyReturning(report()),
      prepare: (room) => {
        prepared.push(room);
        return { room, shape: Promise.resolve({ buckets: 1, approximateMembers: 3 }) };
      },
    };
    const metered = new MeteredFanOut(inner, new Metrics({ namespace: 'roomcast', serviceName: 'test' }));
    expect(metered.prepare('general')).toHaveProperty('shape');
    expect(prepared).toEqual(['general']);
  });

  it('prepares nothing for a strategy that cannot', () => {
    const metered = new MeteredFanOut(
      strategyReturning(report()),
      new Metrics({ namespace: 'roomcast', serviceName: 'test' }),
    );
    expect(metered.prepare('general')).toEqual({ room: 'general' });
  });
});
