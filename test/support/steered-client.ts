// Test support: a DynamoDB document client that sends every command on to a real one (DynamoDB Local),
// except where a test steps in: to hold a command until something else has happened (a deterministic
// interleaving of two concurrent requests), or to answer it with an error DynamoDB Local never returns
// (throttling, a transaction conflict, a Lambda dying mid-send).

import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Called for each command: `forward` sends it to the real client and returns the real response. */
export type Steering = (command: unknown, forward: () => Promise<unknown>) => Promise<unknown>;

export function steeredClient(real: DynamoDBDocumentClient, steer: Steering): DynamoDBDocumentClient {
  const send = real.send.bind(real) as (command: unknown) => Promise<unknown>;
  // Only `send` is used by the adapters; the rest of the client is never reached.
  return {
    send: (command: unknown) => steer(command, () => send(command)),
  } as unknown as DynamoDBDocumentClient;
}

/** What DynamoDB answers when a partition is over its throughput: the adapters must pass it on. */
export function throttled(): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded',
    $metadata: { httpStatusCode: 400 },
  });
}
