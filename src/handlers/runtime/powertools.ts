// Driving side: the Powertools logger and metrics, one of each per process (cold start), and the
// middleware that flushes the metrics. They read their own POWERTOOLS_* variables. The tracer is loaded
// on demand (tracing.ts).

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

const serviceName = 'roomcast';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'roomcast' });

/**
 * Flushes the fan-out metrics at the end of each invocation. Unlike Powertools' logMetrics, it stays
 * quiet when an invocation recorded none (a ping, a refused frame), instead of warning every time.
 */
export function publishMetrics<E, R>(): MiddlewareObj<E, R> {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}
