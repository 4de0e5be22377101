// Test support: the Jest hooks around test/support/dynamodb-table.ts, kept apart from it because the
// mutation driver (scripts/mutation.ts) imports that module outside Jest.

import { afterAll, beforeAll } from '@jest/globals';
import { startTestTable, type TestTable, type TestTableOptions } from './dynamodb-table.js';

/**
 * One test table for the whole file that calls this at its top level: started before the file's first test
 * (the hook allows a minute, for a Java process starting on a loaded machine) and stopped after its last.
 * Its fields are read inside tests and hooks; before the start they throw.
 */
export function testTableForFile(options: TestTableOptions = {}): TestTable {
  let started: TestTable | undefined;
  beforeAll(async () => {
    started = await startTestTable(options);
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): TestTable => {
    if (started === undefined)
      throw new Error('the test table starts in beforeAll: read it in a test or hook');
    return started;
  };
  return {
    get db() {
      return current().db;
    },
    get client() {
      return current().client;
    },
    get tableName() {
      return current().tableName;
    },
    get requests() {
      return current().requests;
    },
    freshTable: () => current().freshTable(),
    stop: () => current().stop(),
  };
}
