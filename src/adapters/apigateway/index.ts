// Driven adapters for API Gateway's @connections management API.

export * from './delivery-errors.js';
export * from './in-flight-limit.js';
export * from './management-api-notifier.js';
export * from './management-client-pool.js';
export * from './retry-policy.js';
