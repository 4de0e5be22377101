// Driven adapter support: the table's key schema, from the one definition Terraform also reads,
// and its creation for the local stack and tests (production tables are created by Terraform).

import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import definition from './table-definition.json' with { type: 'json' };

export interface TableDefinition {
  readonly hashKey: string;
  readonly rangeKey: string;
  readonly attributes: readonly { name: string; type: 'S' | 'N' | 'B' }[];
  readonly globalSecondaryIndexes: readonly {
    name: string;
    hashKey: string;
    rangeKey: string;
    projectionType: 'ALL' | 'KEYS_ONLY';
  }[];
  readonly ttlAttribute: string;
}

export const TABLE_DEFINITION = definition as TableDefinition;

/** Name of the index serving "connections of a user". */
export const USER_INDEX = TABLE_DEFINITION.globalSecondaryIndexes[0]?.name ?? 'gsi1';

/** Name of the sparse, sharded index serving "every live connection" (broadcasts). */
export const ALL_CONNECTIONS_INDEX = TABLE_DEFINITION.globalSecondaryIndexes[1]?.name ?? 'gsi2';

/**
 * Creates the table (on-demand) and turns TTL on, then waits until it is active.
 * An existing table is left as it is, so a kept local data folder survives restarts.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const d = TABLE_DEFINITION;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: d.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: [
          { AttributeName: d.hashKey, KeyType: 'HASH' },
          { AttributeName: d.rangeKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: 'HASH' },
            { AttributeName: index.rangeKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projectionType },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: d.ttlAttribute, Enabled: true },
    }),
  );
}
