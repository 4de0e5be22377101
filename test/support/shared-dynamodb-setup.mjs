// Jest global setup for the projects that use DynamoDB Local: one Java process for the whole run, shared
// by every file through ROOMCAST_TEST_DYNAMODB_ENDPOINT (each file still gets tables of its own). A run
// that already names an instance (mutation testing) keeps it. Starting one per file cost about 3.5 s each.
// Plain JavaScript: Jest loads global hooks outside its module mapping, so the TypeScript sources come in
// through tsx.

import { tsImport } from 'tsx/esm/api';

const VARIABLE = 'ROOMCAST_TEST_DYNAMODB_ENDPOINT';
/** Set by the first project's setup; every project that lists this file runs it. */
const STARTED = Symbol.for('roomcast.sharedDynamoDbLocal');

export default async function setup() {
  globalThis[STARTED] ??= (async () => {
    if (process.env[VARIABLE] !== undefined) return undefined;
    const { startDynamoDbLocal } = await tsImport('../../src/local/dynamodb-local.ts', import.meta.url);
    const db = await startDynamoDbLocal();
    process.env[VARIABLE] = db.endpoint;
    return db;
  })();
  await globalThis[STARTED];
}

/** Stops the instance the setup started (once, whichever project's teardown comes first). */
export async function teardown() {
  const started = globalThis[STARTED];
  globalThis[STARTED] = Promise.resolve(undefined);
  const db = await started;
  if (db === undefined) return;
  delete process.env[VARIABLE];
  await db.stop();
}
