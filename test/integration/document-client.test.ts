// Integration: the document client the adapters share, against DynamoDB Local: a record's optional
// fields left undefined are left out of the stored item instead of failing the write; and the SDK's HTTP
// handler reports a saturated socket pool to the service's logger, not to the console.

import { describe, expect, it, jest } from '@jest/globals';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerPort } from '../../src/domain/index.js';
import { createDocumentClient } from '../../src/adapters/dynamodb/document-client.js';
import { TABLE_DEFINITION } from '../../src/adapters/dynamodb/table-schema.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { testTableForFile } from '../support/test-table-for-file.js';
import { waitFor } from '../support/ws-client.js';

const table = testTableForFile();

describe('createDocumentClient', () => {
  it('writes an item whose optional fields are undefined, leaving those fields out', async () => {
    // Built here, not by the shared test table: this test is about how this client is configured.
    const client = createDocumentClient({
      endpoint: table.db.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const key = { [TABLE_DEFINITION.hashKey]: 'DOC#optional', [TABLE_DEFINITION.rangeKey]: 'ITEM' };
      await client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...key, text: 'hello', editedAt: undefined, meta: { by: 'alice', reason: undefined } },
        }),
      );

      const { Item } = await client.send(new GetCommand({ TableName: table.tableName, Key: key }));
      expect(Item).toEqual({ ...key, text: 'hello', meta: { by: 'alice' } });
    } finally {
      client.destroy();
    }
  });
});

describe('createDocumentClient with a logger for warnings', () => {
  it('sends the HTTP handler’s socket-pool warning to that logger and nothing to the console', async () => {
    // A server that takes every request and never answers: the SDK's 50 sockets fill, the rest queue.
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const warnings: { message: string; fields: unknown }[] = [];
    const logger: LoggerPort = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message, fields) => warnings.push({ message, fields }),
      error: () => undefined,
    };
    const consoleWarn = jest.spyOn(console, 'warn');
    const client = createDocumentClient(
      {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      },
      logger,
    );
    const key = { [TABLE_DEFINITION.hashKey]: 'DOC#stalled', [TABLE_DEFINITION.rangeKey]: 'ITEM' };
    const pending = Array.from({ length: 150 }, () =>
      client.send(new GetCommand({ TableName: 'stalled', Key: key })).catch(() => undefined),
    );
    try {
      // The handler looks at its pool once a request has waited its warning time (3 s by default).
      await waitFor(() => warnings.length > 0, 15_000, 'the socket-pool warning');
      expect(warnings[0]).toEqual({
        message: 'AWS SDK HTTP handler',
        fields: { detail: expect.stringContaining('socket usage at capacity=50') },
      });
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      consoleWarn.mockRestore();
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(pending);
    }
  }, 30_000);
});
