// Driven adapter support: where the AWS SDK's HTTP handlers report trouble (a saturated socket pool, for
// one), given to the DynamoDB and @connections clients. Without it a handler writes to the console:
// unstructured in CloudWatch, and the timer of a request still waiting after its caller moved on logs late.

import type { LoggerPort } from '../../domain/index.js';

/** The SDK's logger shape over the service's: its warnings and errors kept, its chatter dropped. */
export function sdkHttpLogger(logger: LoggerPort) {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: unknown) => logger.warn('AWS SDK HTTP handler', { detail: String(message) }),
    error: (message: unknown) => logger.error('AWS SDK HTTP handler', { detail: String(message) }),
  };
}
