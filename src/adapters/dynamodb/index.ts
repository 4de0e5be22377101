// Driven adapters for DynamoDB: what the composition root and the local stack import.

export * from './document-client.js';
export * from './dynamodb-connection-registry.js';
export * from './dynamodb-message-log.js';
export * from './dynamodb-rate-limiter.js';
export * from './dynamodb-room-membership.js';
export * from './dynamodb-user-status.js';
export * from './table-schema.js';
export * from './dynamodb-read-markers.js';
export * from './dynamodb-occupancy.js';
export * from './dynamodb-message-reactions.js';
export * from './dynamodb-bans.js';
