// Mutation testing, driver of `make mutation`: runs Stryker once per area (domain, runtime, adapters) and
// prints the scores. Areas whose suites talk to DynamoDB get one DynamoDB Local for the whole run, shared
// by every rerun of their test files (test/support/dynamodb-table.ts reads its endpoint), instead of a
// Java process started and stopped per test file per mutant.
// Usage: npx tsx scripts/mutation.ts [area ...]   (default: domain runtime adapters)

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDynamoDbLocal, type DynamoDbLocal } from '../src/local/dynamodb-local.js';
import { SHARED_ENDPOINT_VARIABLE } from '../test/support/dynamodb-table.js';

const AREAS = ['domain', 'runtime', 'adapters'] as const;
type Area = (typeof AREAS)[number];
/** The domain's unit tests use fakes only. */
const NEEDS_DYNAMODB: ReadonlySet<Area> = new Set(['runtime', 'adapters']);

function isArea(name: string): name is Area {
  return (AREAS as readonly string[]).includes(name);
}

function chosenAreas(args: readonly string[]): Area[] {
  const names = args.flatMap((arg) => arg.split(/[\s,]+/)).filter((name) => name !== '');
  if (names.length === 0) return [...AREAS];
  const unknown = names.filter((name) => !isArea(name));
  if (unknown.length > 0) {
    throw new Error(`unknown mutation area ${unknown.join(', ')}: expected ${AREAS.join(', ')}`);
  }
  return names as Area[];
}

async function runArea(area: Area): Promise<number> {
  console.log(`== mutation testing: ${area}`);
  let db: DynamoDbLocal | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, MUTATE: area };
  if (NEEDS_DYNAMODB.has(area)) {
    db = await startDynamoDbLocal();
    env[SHARED_ENDPOINT_VARIABLE] = db.endpoint;
  }
  const started = Date.now();
  try {
    const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env });
    console.log(
      `== ${area}: ${Math.round((Date.now() - started) / 60_000)} min, exit ${run.status ?? run.signal}`,
    );
    return run.status ?? 1;
  } finally {
    await db?.stop();
  }
}

async function main(): Promise<number> {
  const areas = chosenAreas(process.argv.slice(2));
  for (const area of areas) {
    const status = await runArea(area);
    if (status !== 0) return status;
  }
  const scores = spawnSync('node', ['scripts/mutation-scores.mjs'], { stdio: 'inherit' });
  // Where each area's time went: a long run is easier to shorten when it says so.
  spawnSync('node', ['scripts/mutation-timeline.mjs', ...areas], { stdio: 'inherit' });
  return scores.status ?? 1;
}

// Only as the entry point: importing this file (to reuse a helper, say) must not start a run.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(await main());
}
