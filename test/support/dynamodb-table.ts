// Test support: DynamoDB Local for one test file, with a fresh table and a request-counting client.
// With ROOMCAST_TEST_DYNAMODB_ENDPOINT set (Jest's global setup sets it for a run; mutation testing sets it
// as it reruns the same files thousands of times), files share that running instance instead of starting a
// Java process each, and drop their tables.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteTableCommand, DynamoDBClient as LowLevelClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
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

/** The instance shared between test files, when one is running (`make test`, mutation testing). */
export const SHARED_ENDPOINT_VARIABLE = 'ROOMCAST_TEST_DYNAMODB_ENDPOINT';

export interface TestTableOptions {
  /**
   * Start a Java process of its own even when a shared instance is there: for a file that stops the
   * instance to see what the code does without it.
   */
  readonly ownInstance?: boolean;
}

export async function startTestTable(options: TestTableOptions = {}): Promise<TestTable> {
  const sharedEndpoint = options.ownInstance ? undefined : process.env[SHARED_ENDPOINT_VARIABLE];
  const db = sharedEndpoint === undefined ? await startDynamoDbLocal() : sharedInstance(sharedEndpoint);
  const client = createDocumentClient({
    endpoint: db.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const requests = new Map<string, number>();
  countRequests(client, requests);
  const created: string[] = [];
  // Unique across processes: a shared instance outlives many runs of the same file.
  const prefix = `roomcast-test-${randomUUID().slice(0, 8)}`;
  const freshTable = async (): Promise<string> => {
    const name = `${prefix}-${created.length + 1}`;
    created.push(name);
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
      if (sharedEndpoint !== undefined) {
        // The instance is not ours to stop; its tables are, and thousands of runs would pile them up.
        await Promise.allSettled(
          created.map((name) => db.client.send(new DeleteTableCommand({ TableName: name }))),
        );
      }
      await db.stop();
    },
  };
}

/** A running instance someone else started and will stop: `stop` only lets go of the client. */
export function sharedInstance(endpoint: string): DynamoDbLocal {
  const client = new LowLevelClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const port = Number(new URL(endpoint).port);
  return {
    endpoint,
    port,
    pid: -1,
    client,
    stop: async () => client.destroy(),
  };
}

/** Counts every command the client sends, after the document client has translated it. */
function countRequests(client: DynamoDBDocumentClient | LowLevelClient, requests: Map<string, number>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
}
