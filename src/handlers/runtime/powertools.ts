// Driving side: the Powertools logger, tracer and metrics, one of each per process (cold start).
// They read their own POWERTOOLS_* variables; the tracer switches itself off outside Lambda.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = 'roomcast';

export const logger = new Logger({ serviceName });
export const tracer = new Tracer({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'roomcast' });
