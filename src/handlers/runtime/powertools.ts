// Driving side: the Powertools logger and metrics, one of each per process (cold start), and the
// middleware that flushes the metrics. Their service name and namespace come from the settings
// (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, which Terraform sets to the stack's name);
// Powertools reads its other switches (log level, dev mode, metrics off) itself. The tracer is loaded
// on demand (tracing.ts).

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { readTelemetryConfig } from '../config.js';

const { serviceName, metricsNamespace } = readTelemetryConfig();

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: metricsNamespace });

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
