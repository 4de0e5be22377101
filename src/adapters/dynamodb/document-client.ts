// Driven adapter support: the DynamoDB document client, built once per process and reused across invocations.

import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoggerPort } from '../../domain/index.js';
import { sdkHttpLogger } from '../system/sdk-http-logger.js';

/**
 * `removeUndefinedValues`: optional fields of the domain's records are simply left out of items.
 * `warnings`: where the HTTP handler's warnings go, instead of the console (unless the config brings its
 * own handler).
 */
export function createDocumentClient(
  config: DynamoDBClientConfig = {},
  warnings?: LoggerPort,
): DynamoDBDocumentClient {
  const requestHandler = config.requestHandler ?? (warnings && { logger: sdkHttpLogger(warnings) });
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, requestHandler }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
