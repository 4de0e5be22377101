// Test support: DynamoDB Local for one test file, with a fresh table and a request-counting client.

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/adapters/dynamodb/document-client.js';
import { createTable } from '../../src/adapters/dynamodb/table-schema.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../src/local/dynamodb-local.js';

export interface TestTable {
  readonly db: DynamoDbLocal;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Requests sent through `client`, by low-level command name (QueryCommand, ScanCommand, GetItemCommand, ...). */
  readonly requests: Map<string, number>;
  /** Creates another empty table on the same instance, for tests that need a clean slate. */
  freshTable(): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

export async function startTestTable(): Promise<TestTable> {
  const db = await startDynamoDbLocal();
  const client = createDocumentClient({
    endpoint: db.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const requests = new Map<string, number>();
  countRequests(client, requests);
  const freshTable = async (): Promise<string> => {
    tables += 1;
    const name = `roomcast-test-${tables}`;
    await createTable(db.client, name);
    return name;
  };
  const tableName = await freshTable();
  return {
    db,
    client,
    tableName,
    requests,
    freshTable,
    stop: async () => {
      client.destroy();
      await db.stop();
    },
  };
}

/** Counts every command the client sends, after the document client has translated it. */
function countRequests(client: DynamoDBDocumentClient | DynamoDBClient, requests: Map<string, number>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
}
