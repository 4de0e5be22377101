// Integration: the DynamoDB Local launcher starts, creates the table idempotently, and leaves no Java behind.

import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { createTable } from '../../src/adapters/dynamodb/table-schema.js';
import {
  checkJavaRuntime,
  JavaRuntimeMissingError,
  startDynamoDbLocal,
} from '../../src/local/dynamodb-local.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startDynamoDbLocal', () => {
  it('starts on a free loopback port, creates the table twice without error, and stops the Java process', async () => {
    const db = await startDynamoDbLocal();
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await createTable(db.client, 'roomcast-launcher');
    await createTable(db.client, 'roomcast-launcher');
    const { TableNames } = await db.client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(['roomcast-launcher']);
    expect(alive(db.pid)).toBe(true);

    await db.stop();
    await db.stop();

    expect(alive(db.pid)).toBe(false);
  });

  it('fails at once, saying what to install, when Java is missing', () => {
    const noJava = { PATH: '/nonexistent' };
    expect(() => checkJavaRuntime(noJava)).toThrow(JavaRuntimeMissingError);
    expect(() => checkJavaRuntime(noJava)).toThrow(/openjdk-17-jre-headless/);
  });
});
