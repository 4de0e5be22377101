// Integration: test tables and local stacks on a shared DynamoDB Local (how `make test` and mutation testing
// run the suites) get tables of their own and drop them when they end, and never stop the instance they
// borrowed.

import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDevStack } from '../../src/local/dev-stack.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { SHARED_ENDPOINT_VARIABLE, sharedInstance, startTestTable } from '../support/dynamodb-table.js';
import { openClient } from '../support/ws-client.js';

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

describe('a local stack on a shared DynamoDB Local', () => {
  it('makes its table there, serves with it, and drops only that table when it stops', async () => {
    const neighbour = await startTestTable();
    const stack = await startDevStack({
      wsPort: 0,
      webPort: 0,
      handlerLogLevel: 'SILENT',
      dynamo: sharedInstance(shared.endpoint),
      tableName: 'roomcast-shared-stack',
    });
    try {
      expect(stack.dynamo.endpoint).toBe(shared.endpoint);
      expect(await tableNames()).toEqual(
        expect.arrayContaining(['roomcast-shared-stack', neighbour.tableName]),
      );
      // The handshake and the join write to the stack's table: neither would succeed without it.
      const client = await openClient(`${stack.wsUrl}?token=${stack.tokenFor('ada')}`);
      client.send({ action: 'join', room: 'general', requestId: 'j' });
      expect(await client.next((frame) => frame['requestId'] === 'j')).toMatchObject({
        type: 'joined',
        members: [expect.objectContaining({ userId: 'ada' })],
      });
      client.ws.terminate();
    } finally {
      await stack.stop();
    }
    const left = await tableNames();
    expect(left).not.toContain('roomcast-shared-stack');
    expect(left).toContain(neighbour.tableName);
    await neighbour.stop();
  }, 60_000);

  it('refuses both a running instance and a data folder', async () => {
    await expect(
      startDevStack({
        wsPort: 0,
        webPort: 0,
        dynamo: sharedInstance(shared.endpoint),
        dataDir: '/nonexistent',
      }),
    ).rejects.toThrow(/either a running DynamoDB Local/);
  });
});
