// Bench results: the shape of bench/results.json, the budgets checked on it, and a check that a run
// produced all of it, whole (the smoke test's assertion: the harness works, whatever the numbers are).

import { problemList, type AnyBenchmark, type Benchmark, type ProfileName } from './benchmark.js';

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

/** Where a benchmark merged in from a later partial run (bench/merge.ts) was measured. */
export interface MergedRun {
  readonly date: string;
  readonly cpuModel: string;
  readonly loadAtStart: number;
}

/** What describes the run itself; each benchmark's result sits beside it under the benchmark's name. */
export interface RunDescription {
  readonly schema: 1;
  readonly profile: ProfileName;
  readonly date: string;
  readonly durationS: number;
  readonly machine: Machine;
  /** Benchmark name -> the partial run its result was merged from (absent: the whole run's own). */
  readonly mergedRuns?: Readonly<Record<string, MergedRun>>;
}

export type BenchResults = RunDescription & { readonly budgets: readonly BudgetCheck[] } & {
  readonly [benchmark: string]: unknown;
};

/** One benchmark's result in a run, if the run has it. */
export function resultIn<Result>(
  results: Readonly<Record<string, unknown>>,
  benchmark: Benchmark<unknown, Result>,
): Result | undefined {
  return results[benchmark.name] as Result | undefined;
}

export function checkBudgets(
  benchmarks: readonly AnyBenchmark[],
  results: Readonly<Record<string, unknown>>,
): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const benchmark of benchmarks) {
    const result = resultIn(results, benchmark);
    if (result === undefined) continue;
    for (const budget of benchmark.budgets) {
      const value = budget.value(result);
      if (value === undefined || Number.isNaN(value)) continue;
      checks.push({ id: budget.id, what: budget.what, limit: budget.limit, value, ok: budget.isMet(value) });
    }
  }
  return checks;
}

/** Every number reachable from `value`, with its path, so one walk can find NaN and Infinity. */
function numbersIn(value: unknown, path: string, found: [string, number][]): [string, number][] {
  if (typeof value === 'number') found.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, index) => numbersIn(item, `${path}[${index}]`, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) numbersIn(item, `${path}.${key}`, found);
  }
  return found;
}

/** Problems with a results object; empty when it is well formed for the benchmarks that ran. */
export function checkResults(
  results: BenchResults,
  profile: ProfileName,
  ran: readonly AnyBenchmark[],
): string[] {
  const { problems, expect } = problemList();
  expect(results.schema === 1, 'schema is not 1');
  expect(results.profile === profile, `profile is ${results.profile}, not ${profile}`);
  expect(!Number.isNaN(Date.parse(results.date)), 'date is not a date');
  expect(results.machine.cpus > 0 && results.machine.memoryGiB > 0, 'machine is not described');
  expect(/^v\d+\./.test(results.machine.node), 'node version missing');
  // Counts may be zero and some ratios legitimately NaN (nothing to compare), but never infinite.
  for (const [path, value] of numbersIn(results, 'results', [])) {
    expect(value !== Infinity && value !== -Infinity, `${path} is infinite`);
  }
  for (const benchmark of ran) {
    const result = resultIn(results, benchmark);
    if (result === undefined) problems.push(`${benchmark.name} is missing`);
    else problems.push(...benchmark.check(result, benchmark.sizes[profile]));
  }
  for (const budget of results.budgets) {
    expect(typeof budget.ok === 'boolean' && budget.limit.length > 0, `budget ${budget.id}: well formed`);
  }
  return problems;
}
