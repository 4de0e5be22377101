// Driving side: the Powertools logger and metrics, one of each per process (cold start). They read
// their own POWERTOOLS_* variables. The tracer is loaded on demand (tracing.ts).

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = 'roomcast';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'roomcast' });
