// Contract of createTable: its errors on DynamoDB Local, and its wait for a CREATING table (scripted client).

import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createTable } from '../../src/adapters/dynamodb/table-schema.js';
import { testTableForFile } from '../support/test-table-for-file.js';

const table = testTableForFile();

describe('createTable on DynamoDB Local', () => {
  it('passes on a refusal other than "the table exists"', async () => {
    // Table names have at least 3 characters.
    await expect(createTable(table.db.client, 'x')).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

// DynamoDB Local creates tables ACTIVE at once, so a scripted client plays a table still being created.
describe('createTable while the new table is still CREATING', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  /**
   * A client that accepts the table and reports it CREATING to the first `creatingFor` descriptions
   * (ACTIVE after), recording the commands it is sent in order.
   */
  function scriptedClient(creatingFor: number) {
    const sent: string[] = [];
    let described = 0;
    const send = async (command: unknown) => {
      if (command instanceof CreateTableCommand) sent.push('create');
      else if (command instanceof UpdateTimeToLiveCommand) sent.push('ttl');
      else if (command instanceof DescribeTableCommand) {
        described += 1;
        const status = described <= creatingFor ? 'CREATING' : 'ACTIVE';
        sent.push(`describe: ${status}`);
        return { Table: { TableStatus: status } };
      } else throw new Error(`unexpected command ${String(command)}`);
      return {};
    };
    return { client: { send } as unknown as DynamoDBClient, sent };
  }

  /** Moves the fake timers on in steps of the poll interval until `promise` settles, or `maxMs` is up. */
  async function settlesWithin(promise: Promise<unknown>, maxMs: number): Promise<boolean> {
    let settled = false;
    void promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await jest.advanceTimersByTimeAsync(0);
    for (let elapsed = 0; !settled && elapsed < maxMs; elapsed += 100) {
      await jest.advanceTimersByTimeAsync(100);
    }
    return settled;
  }

  it('keeps checking while the table is CREATING, and turns TTL on only once it is ACTIVE', async () => {
    jest.useFakeTimers();
    const { client, sent } = scriptedClient(2);
    const creating = createTable(client, 'roomcast-creating');

    expect(await settlesWithin(creating, 1_000)).toBe(true);
    await creating;
    expect(sent).toEqual(['create', 'describe: CREATING', 'describe: CREATING', 'describe: ACTIVE', 'ttl']);
  });

  it('stops checking after 50 tries (5 s) instead of waiting forever for a table that stays CREATING', async () => {
    jest.useFakeTimers();
    const { client, sent } = scriptedClient(Number.POSITIVE_INFINITY);
    const creating = createTable(client, 'roomcast-stuck');

    expect(await settlesWithin(creating, 10_000)).toBe(true);
    await creating;
    expect(sent.filter((command) => command === 'describe: CREATING')).toHaveLength(50);
    expect(sent.at(-1)).toBe('ttl');
  });
});
