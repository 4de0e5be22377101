// Integration: the document client the adapters share, against DynamoDB Local: a record's optional
// fields left undefined are left out of the stored item instead of failing the write.

import { describe, expect, it } from '@jest/globals';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/adapters/dynamodb/document-client.js';
import { TABLE_DEFINITION } from '../../src/adapters/dynamodb/table-schema.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { testTableForFile } from '../support/test-table-for-file.js';

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
