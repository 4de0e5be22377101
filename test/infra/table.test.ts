// Infra: the table module (module.table) in the plans of the stacks: the table that
// src/adapters/dynamodb/table-definition.json describes, protected and recoverable, and, with a customer
// KMS key, exactly the key actions DynamoDB needs for every function that reads or writes it.

import { expect, it } from '@jest/globals';
import { asList, block, get, statementsOf, tableDefinition, type Statement } from './support/resources.js';
import type { PlannedStack } from './support/stacks.js';
import {
  inExistingProdStack,
  inExistingProdStackWithOptions,
  inNewProdStack,
  OPTIONS,
} from './support/stacks.js';
import { terraformSuite } from './support/suite.js';

const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'];

const statementsOfFunction = (stack: PlannedStack, name: string): Statement[] => {
  const policy = get(stack.plan.perFunction('aws_iam_role_policy'), name);
  return statementsOf(policy.after['policy'], policy.address);
};

const kmsStatements = (statements: readonly Statement[]): Statement[] =>
  statements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('kms:')));

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

  inExistingProdStack((existing) => {
    it('grants no KMS action to any function while the table and the queues use AWS managed keys', () => {
      expect(existing.plan.variable('table_kms_key_arn')).toBeNull();
      for (const name of Object.keys(existing.tf.routeTable.functions)) {
        expect([name, kmsStatements(statementsOfFunction(existing, name))]).toEqual([name, []]);
      }
    });
  });

  inExistingProdStackWithOptions((keyed) => {
    it('encrypts the table with the customer key, in place', () => {
      const table = keyed.plan.resource('module.table.aws_dynamodb_table.this');
      expect(table.actions).not.toContain('delete');
      expect(block(table, 'server_side_encryption')).toMatchObject({
        enabled: true,
        kms_key_arn: OPTIONS.tableKeyArn,
      });
    });

    it('lets every function that touches the table use that key, with exactly the actions DynamoDB needs, and no other function', () => {
      const touching = Object.entries(keyed.tf.routeTable.functions).filter(
        ([, spec]) => spec.dynamodb.length > 0,
      );
      expect(touching.length).toBeGreaterThan(0);
      expect(touching.length).toBeLessThan(Object.keys(keyed.tf.routeTable.functions).length);
      for (const [name, spec] of Object.entries(keyed.tf.routeTable.functions)) {
        const onTableKey = kmsStatements(statementsOfFunction(keyed, name)).filter((statement) =>
          asList(statement.Resource).includes(OPTIONS.tableKeyArn),
        );
        expect([name, onTableKey]).toEqual([
          name,
          spec.dynamodb.length > 0
            ? [
                {
                  Sid: 'UseTableKey',
                  Effect: 'Allow',
                  Action: TABLE_KEY_ACTIONS,
                  Resource: [OPTIONS.tableKeyArn],
                },
              ]
            : [],
        ]);
      }
    });

    it('grants the one wildcard KMS action only on the table key', () => {
      for (const name of Object.keys(keyed.tf.routeTable.functions)) {
        for (const statement of kmsStatements(statementsOfFunction(keyed, name))) {
          const wildcards = asList(statement.Action).filter((action) => action.includes('*'));
          if (wildcards.length === 0) continue;
          expect([name, wildcards, asList(statement.Resource)]).toEqual([
            name,
            ['kms:GenerateDataKey*'],
            [OPTIONS.tableKeyArn],
          ]);
        }
      }
    });
  });
});
