// Unit: the last middleware of every chain, which flushes what the invocation measured as one EMF line,
// and writes nothing at all for an invocation that measured nothing (a ping, a refused frame).

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics, publishMetrics } from '../../src/handlers/runtime/powertools.js';

let written: string[];

beforeEach(() => {
  metrics.clearMetrics();
  written = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  metrics.clearMetrics();
});

describe('publishMetrics', () => {
  it.each(['after', 'onError'] as const)(
    'writes nothing, not even a warning, when the invocation recorded no metric (%s)',
    async (phase) => {
      await publishMetrics()[phase]?.({} as never);
      expect(written).toEqual([]);
    },
  );

  it.each(['after', 'onError'] as const)(
    'writes the recorded metrics as one EMF line and clears them (%s)',
    async (phase) => {
      metrics.addMetric('FanOutRecipients', MetricUnit.Count, 3);

      await publishMetrics()[phase]?.({} as never);

      expect(written).toHaveLength(1);
      expect(JSON.parse(written[0] as string)).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: 'FanOutRecipients', Unit: 'Count' }] }] },
        FanOutRecipients: 3,
      });
      expect(metrics.hasStoredMetrics()).toBe(false);
    },
  );
});
