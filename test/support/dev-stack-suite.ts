// Test support: the local stack (src/local/dev-stack.ts) for a whole suite. Registers the beforeAll
// that starts it and the afterAll that stops it, and hands back a getter for the running stack.

import { afterAll, beforeAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startDevStack, type DevStack, type DevStackOptions } from '../../src/local/dev-stack.js';
import { SHARED_ENDPOINT_VARIABLE, sharedInstance } from './dynamodb-table.js';

/** DynamoDB Local is a JVM: its first start on a busy machine takes many seconds. */
const START_TIMEOUT = 60_000;

export interface DevStackSuiteOptions {
  /** Runs before the stack stops at the end of the suite: close the suite's clients here. */
  readonly beforeStop?: () => unknown;
  /** Never starts the stack: for a suite skipped where a tool it needs (a browser, say) is missing. */
  readonly skip?: boolean;
  /**
   * How long stopping may take. Closing a suite's clients makes the gateway run `$disconnect` for each,
   * and a suite with a thousand of them needs longer than the default.
   */
  readonly stopTimeoutMs?: number;
  /**
   * Start a DynamoDB Local of its own even when the run shares one: for a suite that stops it, or looks at
   * its process. A suite with `dataDir` always has its own.
   */
  readonly ownDynamo?: boolean;
}

/** The running stack of a suite; `restart()` stops it and starts it again with the same options. */
export type DevStackHandle = (() => DevStack) & { readonly restart: () => Promise<DevStack> };

/**
 * Starts the stack before the tests of the enclosing describe (or file) and stops it after them. Both
 * ports are free ones and the handlers log nothing unless `options` say otherwise.
 */
export function useDevStack(options: DevStackOptions = {}, suite: DevStackSuiteOptions = {}): DevStackHandle {
  const baseOptions: DevStackOptions = { wsPort: 0, webPort: 0, handlerLogLevel: 'SILENT', ...options };
  const shared = process.env[SHARED_ENDPOINT_VARIABLE];
  const borrows =
    shared !== undefined && options.dataDir === undefined && options.dynamo === undefined && !suite.ownDynamo;
  // On a shared instance each start gets a table of its own, as a fresh in-memory instance would be empty.
  const startOptions = (): DevStackOptions =>
    borrows
      ? {
          ...baseOptions,
          dynamo: sharedInstance(shared),
          tableName: `${baseOptions.tableName ?? 'roomcast-e2e'}-${randomUUID().slice(0, 8)}`,
        }
      : baseOptions;
  let stack: DevStack | undefined;

  beforeAll(async () => {
    if (suite.skip !== true) stack = await startDevStack(startOptions());
  }, START_TIMEOUT);

  afterAll(async () => {
    await suite.beforeStop?.();
    await stack?.stop();
  }, suite.stopTimeoutMs ?? START_TIMEOUT);

  const current = (): DevStack => {
    if (!stack) throw new Error('the dev stack starts in beforeAll: use it inside a test or a hook after it');
    return stack;
  };
  const restart = async (): Promise<DevStack> => {
    await current().stop();
    stack = undefined;
    stack = await startDevStack(startOptions());
    return stack;
  };
  return Object.assign(current, { restart });
}
