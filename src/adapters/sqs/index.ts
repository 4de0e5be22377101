// Driven adapters on Amazon SQS: the fan-out queue.

export * from './sqs-fan-out-queue.js';
