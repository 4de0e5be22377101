// Test support: the environment in-process handlers read, pointing at DynamoDB Local and the local
// @connections API, as the local stack and Lambda provide it.

import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import type { ConnectionsApiServer } from './connections-api-server.js';
import type { TestTable } from './dynamodb-table.js';

export function handlerEnvironment(
  table: TestTable,
  api: ConnectionsApiServer,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.db.endpoint,
    MANAGEMENT_ENDPOINT: api.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...extra,
  };
}
