// Bench harness: runs the benchmarks asked for (and those they are computed from) in an order that lets
// them share what is expensive to start, checks their budgets, and gathers bench/results.json.

import type { AnyBenchmark, ProfileName } from './benchmark.js';
import { SharedResources } from './context.js';
import type { Log } from './lib/log.js';
import { describeMachine } from './lib/machine.js';
import { checkBudgets, type BenchResults } from './results.js';

/** What a benchmark shares, as a group name: benchmarks of one group run one after another. */
function sharedGroup(benchmark: AnyBenchmark): string {
  if (benchmark.shares?.devStack === true) return 'dev stack';
  if (benchmark.shares?.emulatorConnections !== undefined) return 'emulator crowd';
  return benchmark.name;
}

/**
 * The asked-for benchmarks with what they need, in run order: in list order, each next to the others of
 * its group, and any computed from other results last.
 */
export function runOrder(all: readonly AnyBenchmark[], asked: readonly AnyBenchmark[]): AnyBenchmark[] {
  const wanted = new Set<AnyBenchmark>();
  const want = (benchmark: AnyBenchmark) => {
    for (const needed of benchmark.needs ?? []) want(needed as AnyBenchmark);
    wanted.add(benchmark);
  };
  asked.forEach(want);
  const inList = all.filter((benchmark) => wanted.has(benchmark));
  const groups = inList.map(sharedGroup);
  const rank = (benchmark: AnyBenchmark) =>
    (benchmark.needs === undefined ? 0 : all.length) + groups.indexOf(sharedGroup(benchmark));
  return inList
    .map((benchmark, index) => ({ benchmark, index }))
    .sort((a, b) => rank(a.benchmark) - rank(b.benchmark) || a.index - b.index)
    .map(({ benchmark }) => benchmark);
}

export async function runBenchmarks(
  all: readonly AnyBenchmark[],
  asked: readonly AnyBenchmark[],
  profile: ProfileName,
  log: Log,
): Promise<BenchResults> {
  const order = runOrder(all, asked);
  const startedAt = Date.now();
  const machine = describeMachine();
  const crowdConnections = Math.max(
    0,
    ...order.map((benchmark) => benchmark.shares?.emulatorConnections?.(benchmark.sizes[profile]) ?? 0),
  );
  const context = new SharedResources(profile, log, crowdConnections);
  const results: Record<string, unknown> = {};
  try {
    for (const [index, benchmark] of order.entries()) {
      const result: unknown = await benchmark.run(context, benchmark.sizes[profile]);
      results[benchmark.name] = result;
      context.keep(benchmark, result);
      await context.release(order.slice(index + 1));
    }
  } finally {
    await context.close();
  }

  const run = {
    schema: 1 as const,
    profile,
    date: new Date(startedAt).toISOString(),
    durationS: Math.round((Date.now() - startedAt) / 1_000),
    machine,
    ...results,
  };
  return { ...run, budgets: checkBudgets(all, run) };
}
