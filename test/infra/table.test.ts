// Infra: the table module (module.table) in the plan of a new stack: the table that
// src/adapters/dynamodb/table-definition.json describes, protected and recoverable.

import { expect, it } from '@jest/globals';
import { block, tableDefinition } from './support/resources.js';
import { inNewProdStack } from './support/stacks.js';
import { terraformSuite } from './support/suite.js';

terraformSuite('the table (module.table)', () => {
  inNewProdStack((stack, prefix) => {
    it('builds the table from table-definition.json: on demand, TTL, point-in-time recovery, encryption, protected', () => {
      const table = stack.plan.resource('module.table.aws_dynamodb_table.this');
      expect(table.after).toMatchObject({
        name: prefix,
        billing_mode: 'PAY_PER_REQUEST',
        hash_key: tableDefinition.hashKey,
        range_key: tableDefinition.rangeKey,
        deletion_protection_enabled: true,
      });
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect([...(table.after['attribute'] as { name: string; type: string }[])].sort(byName)).toEqual(
        [...tableDefinition.attributes].sort(byName),
      );
      expect(
        (table.after['global_secondary_index'] as Record<string, unknown>[]).map((index) => [
          index['name'],
          index['hash_key'],
          index['range_key'],
          index['projection_type'],
        ]),
      ).toEqual(
        tableDefinition.globalSecondaryIndexes.map((index) => [
          index.name,
          index.hashKey,
          index.rangeKey,
          index.projectionType,
        ]),
      );
      expect(block(table, 'ttl')).toEqual({ enabled: true, attribute_name: tableDefinition.ttlAttribute });
      expect(block(table, 'point_in_time_recovery')['enabled']).toBe(true);
      expect(block(table, 'server_side_encryption')['enabled']).toBe(true);
    });
  });
});
