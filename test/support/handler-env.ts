// Test support: the environment in-process handlers read, pointing at DynamoDB Local and the local
// @connections API, as the local stack and Lambda provide it.

import { handlerEnvironment as localHandlerEnvironment } from '../../src/local/handler-environment.js';
import type { ConnectionsApiServer } from './connections-api-server.js';
import type { TestTable } from './dynamodb-table.js';

export function handlerEnvironment(
  table: TestTable,
  api: ConnectionsApiServer,
  extra: Record<string, string> = {},
): Record<string, string> {
  return localHandlerEnvironment({
    tableName: table.tableName,
    dynamoDbEndpoint: table.db.endpoint,
    managementEndpoint: api.endpoint,
    logLevel: 'SILENT',
    extra,
  });
}
