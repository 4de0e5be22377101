// Bench results: the shape of bench/results.json, and a check that a run produced all of it, whole
// (the smoke test's assertion: the harness works, whatever the numbers are).

import type { ColdStartResult } from './benchmarks/cold-start.js';
import type { CostResult } from './benchmarks/cost.js';
import type { EmulatorCapacityResult } from './benchmarks/emulator-capacity.js';
import type { EndToEndResult } from './benchmarks/end-to-end.js';
import type { FanOutReadResult } from './benchmarks/fan-out-read.js';
import type { FanOutTimeResult } from './benchmarks/fan-out-time.js';
import type { Profile, ProfileName } from './profiles.js';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the run started: other work on a shared machine shows here. */
  readonly loadAtStart: number;
}

export interface BudgetCheck {
  readonly id: string;
  readonly what: string;
  readonly limit: string;
  readonly value: number;
  readonly ok: boolean;
}

export interface BenchResults {
  readonly schema: 1;
  readonly profile: ProfileName;
  readonly date: string;
  readonly durationS: number;
  readonly machine: Machine;
  readonly fanOutRead?: FanOutReadResult;
  readonly fanOutTime?: FanOutTimeResult;
  readonly endToEnd?: EndToEndResult;
  readonly coldStart?: ColdStartResult;
  readonly emulatorCapacity?: EmulatorCapacityResult;
  readonly cost?: CostResult;
  readonly budgets: readonly BudgetCheck[];
}

export const BENCHMARKS = [
  'fanOutRead',
  'fanOutTime',
  'endToEnd',
  'coldStart',
  'emulatorCapacity',
  'cost',
] as const satisfies readonly (keyof BenchResults)[];

export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Every number reachable from `value`, with its path, so one walk can find NaN and Infinity. */
function numbers(value: unknown, path: string, out: [string, number][]): [string, number][] {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${path}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) numbers(v, `${path}.${key}`, out);
  }
  return out;
}

/** Problems with a results object; empty when it is well formed for the benchmarks that were asked for. */
export function checkResults(
  results: BenchResults,
  profile: Profile,
  ran: readonly BenchmarkName[] = BENCHMARKS,
): string[] {
  const problems: string[] = [];
  const expect = (condition: boolean, problem: string) => {
    if (!condition) problems.push(problem);
  };
  expect(results.schema === 1, 'schema is not 1');
  expect(results.profile === profile.name, `profile is ${results.profile}, not ${profile.name}`);
  expect(!Number.isNaN(Date.parse(results.date)), 'date is not a date');
  expect(results.machine.cpus > 0 && results.machine.memoryGiB > 0, 'machine is not described');
  expect(/^v\d+\./.test(results.machine.node), 'node version missing');
  for (const name of ran) expect(results[name] !== undefined, `${name} is missing`);
  // Counts may be zero and some ratios legitimately NaN (nothing to compare), but never infinite.
  for (const [path, value] of numbers(results, 'results', [])) {
    expect(value !== Infinity && value !== -Infinity, `${path} is infinite`);
  }

  const read = results.fanOutRead;
  if (read !== undefined) {
    expect(read.rows.length === profile.fanOutRead.sizes.length, 'fanOutRead: one row per size');
    for (const row of read.rows) {
      // Each Query but the last also returns the first member of the next page, which tells the adapter
      // that another page exists; the next Query reads it again.
      expect(
        row.ours.itemsReturned >= row.members &&
          row.ours.itemsReturned <= row.members + row.ours.requests - 1,
        `fanOutRead ${row.members}: ours returned the room (and one member more a page at most)`,
      );
      expect(row.baseline.itemsReturned === row.members, `fanOutRead ${row.members}: the scan kept the room`);
      expect(
        row.ours.requests >= 1 && row.baseline.requests >= 1,
        `fanOutRead ${row.members}: requests counted`,
      );
      expect(row.ours.readUnitsComputed > 0, `fanOutRead ${row.members}: read units computed`);
    }
  }
  const time = results.fanOutTime;
  if (time !== undefined) {
    expect(time.rows.length === profile.fanOutTime.sizes.length, 'fanOutTime: one row per size');
    for (const row of time.rows) {
      for (const [name, t] of Object.entries({
        ours: row.ours,
        promiseAll: row.promiseAll,
        sequential: row.sequential,
      })) {
        expect(t.received === t.timed, `fanOutTime ${row.members} ${name}: every frame arrived`);
        expect(t.ms > 0 && t.idealMs > 0, `fanOutTime ${row.members} ${name}: timed`);
      }
    }
  }
  const e2e = results.endToEnd;
  if (e2e !== undefined) {
    for (const [name, side] of Object.entries({ ours: e2e.ours, floor: e2e.floor })) {
      expect(
        side.received === side.expected,
        `endToEnd ${name}: ${side.received} of ${side.expected} deliveries`,
      );
      expect(
        side.p50 > 0 && side.p50 <= side.p95 && side.p95 <= side.p99,
        `endToEnd ${name}: percentiles ordered`,
      );
    }
    expect(e2e.perMessage.dynamoRequests > 0, 'endToEnd: DynamoDB requests counted');
    expect(e2e.perMessage.billableMessages >= e2e.clients, 'endToEnd: billable messages counted');
  }
  const cold = results.coldStart;
  if (cold !== undefined) {
    const expected = profile.coldStart.functions?.length;
    if (expected !== undefined) expect(cold.functions.length === expected, 'coldStart: one row per function');
    for (const f of [
      cold.floor,
      ...cold.functions,
      cold.whatIf.withTracerAtInit,
      cold.whatIf.floorUnbundled,
    ]) {
      expect(f.bundleKiB > 0 && f.gzipKiB > 0 && f.gzipKiB < f.bundleKiB, `coldStart ${f.name}: sizes`);
      expect(f.initMs > 0, `coldStart ${f.name}: timed`);
    }
    expect(cold.packages.length > 0, 'coldStart: packages from the metafile');
    expect(cold.messageRouteFunctions.length > 0, 'coldStart: functions serving the message routes');
    expect(
      cold.slices.length === (profile.coldStart.slices?.length ?? cold.slices.length),
      'coldStart: slices',
    );
  }
  const capacity = results.emulatorCapacity;
  if (capacity !== undefined) {
    for (const [name, side] of Object.entries({ emulator: capacity.emulator, floor: capacity.floor })) {
      expect(
        side.idle.connections >= profile.capacity.connections,
        `emulatorCapacity ${name}: connections held`,
      );
      expect(side.relay.perSecond > 0, `emulatorCapacity ${name}: relay rate`);
    }
  }
  const cost = results.cost;
  if (cost !== undefined) {
    expect(cost.lines.length > 0 && cost.totalOurs > 0 && cost.totalBaseline > 0, 'cost: totals');
    expect(cost.prices.checked.length > 0, 'cost: prices dated');
  }
  for (const budget of results.budgets) {
    expect(typeof budget.ok === 'boolean' && budget.limit.length > 0, `budget ${budget.id}: well formed`);
  }
  return problems;
}
