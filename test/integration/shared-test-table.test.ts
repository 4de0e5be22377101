// Integration: test tables on a shared DynamoDB Local (how mutation testing runs the suites) get names of
// their own and leave with their file, and never stop the instance they borrowed.

import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { SHARED_ENDPOINT_VARIABLE, startTestTable } from '../support/dynamodb-table.js';

let shared: DynamoDbLocal;
const before = process.env[SHARED_ENDPOINT_VARIABLE];

beforeAll(async () => {
  shared = await startDynamoDbLocal();
  process.env[SHARED_ENDPOINT_VARIABLE] = shared.endpoint;
}, 60_000);

afterAll(async () => {
  if (before === undefined) delete process.env[SHARED_ENDPOINT_VARIABLE];
  else process.env[SHARED_ENDPOINT_VARIABLE] = before;
  await shared.stop();
});

const tableNames = async (): Promise<string[]> =>
  (await shared.client.send(new ListTablesCommand({}))).TableNames ?? [];

describe('test tables on a shared DynamoDB Local', () => {
  it('give each file tables of its own and drop only those when it stops, leaving the instance running', async () => {
    const first = await startTestTable();
    const second = await startTestTable();
    expect(first.db.endpoint).toBe(shared.endpoint);
    expect(second.db.endpoint).toBe(shared.endpoint);
    const extra = await first.freshTable();
    expect(new Set([first.tableName, extra, second.tableName]).size).toBe(3);
    expect(await tableNames()).toEqual(expect.arrayContaining([first.tableName, extra, second.tableName]));

    await first.stop();
    const left = await tableNames();
    expect(left).toContain(second.tableName);
    expect(left).not.toContain(first.tableName);
    expect(left).not.toContain(extra);

    await second.stop();
    expect(await tableNames()).toEqual([]);
  }, 60_000);

  it('starts a Java process of its own when asked, for a file that stops it', async () => {
    const own = await startTestTable({ ownInstance: true });
    try {
      expect(own.db.endpoint).not.toBe(shared.endpoint);
      expect(own.db.pid).toBeGreaterThan(0);
    } finally {
      await own.stop();
    }
    // Stopping it left the shared one answering.
    expect(await tableNames()).toEqual([]);
  }, 60_000);
});
