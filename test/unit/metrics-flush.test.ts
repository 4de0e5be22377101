// Unit: the last middleware of every chain, which flushes what the invocation measured as one EMF line,
// and writes nothing at all for an invocation that measured nothing (a ping, a refused frame).

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics, publishMetrics } from '../../src/handlers/runtime/powertools.js';
import { captureOutputPerTest } from '../support/captured-output.js';

const output = captureOutputPerTest();

beforeEach(() => {
  metrics.clearMetrics();
});

afterEach(() => {
  metrics.clearMetrics();
});

describe('publishMetrics', () => {
  it.each(['after', 'onError'] as const)(
    'writes nothing, not even a warning, when the invocation recorded no metric (%s)',
    async (phase) => {
      await publishMetrics()[phase]?.({} as never);
      expect(output.chunks).toEqual([]);
    },
  );

  it.each(['after', 'onError'] as const)(
    'writes the recorded metrics as one EMF line and clears them (%s)',
    async (phase) => {
      metrics.addMetric('FanOutRecipients', MetricUnit.Count, 3);

      await publishMetrics()[phase]?.({} as never);

      expect(output.chunks).toHaveLength(1);
      expect(JSON.parse(output.chunks[0] as string)).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: 'FanOutRecipients', Unit: 'Count' }] }] },
        FanOutRecipients: 3,
      });
      expect(metrics.hasStoredMetrics()).toBe(false);
    },
  );
});
