// Bench report: the one results table (`make bench` prints it) and docs/performance.md, filled from the
// benchmarks' rows and sections into bench/performance.template.md, so the document always shows the
// numbers of the last run (against an earlier run's, where one is given).

import { readFile } from 'node:fs/promises';
import type { AnyBenchmark, ProfileName, Row } from './benchmark.js';
import { decimal, times, wholeNumber } from './format.js';
import { fillTemplate, markdownTable, textTable, wrapProse } from './markdown.js';
import { resultIn, type BenchResults, type RunDescription } from './results.js';
import { ratio } from './lib/stats.js';

const TEMPLATE = new URL('./performance.template.md', import.meta.url);

const COLUMNS: readonly [keyof Row, string][] = [
  ['bench', 'Benchmark'],
  ['measure', 'Measure'],
  ['ours', 'Ours'],
  ['baseline', 'Baseline'],
  ['floor', 'Floor'],
  ['vsBaseline', 'Ours / baseline'],
  ['vsFloor', 'Ours / floor'],
];

export function resultRows(benchmarks: readonly AnyBenchmark[], results: BenchResults): Row[] {
  return benchmarks.flatMap((benchmark) => {
    const result = resultIn(results, benchmark);
    return result === undefined ? [] : benchmark.rows(result);
  });
}

const cellsOf = (rows: readonly Row[]) => rows.map((line) => COLUMNS.map(([key]) => line[key]));

/** The table as aligned text, for the terminal. */
export function renderText(rows: readonly Row[]): string {
  return textTable(
    COLUMNS.map(([, title]) => title),
    cellsOf(rows),
  );
}

/** A run in one line: date, profile, duration and machine. */
function describeRun(run: RunDescription): string {
  const machine = run.machine;
  return [
    run.date.slice(0, 10),
    `profile \`${run.profile}\``,
    `${wholeNumber(run.durationS)} s`,
    `on ${machine.cpus} cores (${machine.cpuModel})`,
    `${decimal(machine.memoryGiB, 1)} GiB of memory`,
    `Node.js ${machine.node}`,
    machine.os,
    `load average ${decimal(machine.loadAtStart, 2)} at the start`,
  ].join(', ');
}

/** A value read from a result, or undefined when the result lacks what it reads. */
function readSafely<Result>(read: (result: Result) => unknown, result: Result): number | undefined {
  try {
    const value = read(result);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Before and after: row by row, what both runs measured alike. */
function comparisonRows(
  benchmarks: readonly AnyBenchmark[],
  before: BenchResults,
  now: BenchResults,
): string[][] {
  const rows: string[][] = [];
  for (const benchmark of benchmarks) {
    const earlier = resultIn(before, benchmark);
    const latest = resultIn(now, benchmark);
    if (earlier === undefined || latest === undefined) continue;
    const alike =
      benchmark.comparable === undefined ||
      readSafely((result) => (benchmark.comparable?.(result, latest) === true ? 1 : 0), earlier) === 1;
    if (!alike) continue;
    for (const comparison of benchmark.comparisons(latest)) {
      const beforeValue = readSafely((result) => comparison.value(result), earlier);
      const nowValue = readSafely((result) => comparison.value(result), latest);
      if (beforeValue === undefined || nowValue === undefined) continue;
      rows.push([
        comparison.measure,
        comparison.format(beforeValue),
        comparison.format(nowValue),
        times(ratio(nowValue, beforeValue)),
      ]);
    }
  }
  return rows;
}

function beforeValues(
  benchmarks: readonly AnyBenchmark[],
  before: BenchResults | undefined,
  now: BenchResults,
): Record<string, string | undefined> {
  if (before === undefined) return { before: undefined };
  const rows = comparisonRows(benchmarks, before, now);
  return {
    before: '',
    'before.run': describeRun(before),
    'before.now': describeRun(now),
    'before.otherProfile': before.profile === now.profile ? undefined : before.profile,
    'before.table':
      rows.length > 0
        ? markdownTable(['Measure', 'Before', 'Now', 'Now / before'], rows)
        : 'The two runs have nothing measured alike to compare.',
  };
}

/**
 * Which benchmarks' results come from later partial runs merged in, and where each was measured; undefined
 * when every result is the whole run's own.
 */
function mergedRunsLine(benchmarks: readonly AnyBenchmark[], results: BenchResults): string | undefined {
  const groups = new Map<string, string[]>();
  for (const benchmark of benchmarks) {
    const run = results.mergedRuns?.[benchmark.name];
    const result = resultIn(results, benchmark);
    if (run === undefined || result === undefined) continue;
    const where = `${run.date.slice(0, 10)} (${run.cpuModel}, load average ${decimal(run.loadAtStart, 2)} at the start)`;
    const label = benchmark.rows(result)[0]?.bench ?? benchmark.name;
    groups.set(where, [...(groups.get(where) ?? []), label]);
  }
  if (groups.size === 0) return undefined;
  return [...groups]
    .map(([where, labels]) => `${labels.map((label) => `**${label}**`).join(', ')} on ${where}`)
    .join('; ');
}

/**
 * docs/performance.md: what is measured, how to reproduce it, the last run's numbers (against an earlier
 * run's when one is given), the budgets and the sizes of the profile.
 */
export async function renderMarkdown(
  benchmarks: readonly AnyBenchmark[],
  results: BenchResults,
  profile: ProfileName,
  before?: BenchResults,
): Promise<string> {
  const machine = results.machine;
  const values: Record<string, string | undefined> = {
    'run.minutes': String(Math.max(1, Math.round(results.durationS / 60))),
    'run.date': results.date.slice(0, 10),
    'run.profile': results.profile,
    'run.seconds': String(Math.round(results.durationS)),
    'machine.cpus': String(machine.cpus),
    'machine.cpuModel': machine.cpuModel,
    'machine.memoryGiB': decimal(machine.memoryGiB, 1),
    'machine.node': machine.node,
    'machine.os': machine.os,
    'machine.loadAtStart': decimal(machine.loadAtStart, 2),
    'run.merged': mergedRunsLine(benchmarks, results),
    'results.table': markdownTable(
      COLUMNS.map(([, title]) => title),
      cellsOf(resultRows(benchmarks, results)),
    ),
    ...beforeValues(benchmarks, before, results),
    'budgets.table': markdownTable(
      ['Budget', 'Limit', 'Last run', 'Met'],
      results.budgets.map((budget) => [
        budget.what,
        budget.limit,
        decimal(budget.value, 2),
        budget.ok ? 'yes' : '**no**',
      ]),
    ),
    'sizes.profile': profile,
    'sizes.list': benchmarks
      .flatMap((benchmark) => benchmark.describeSizes?.(benchmark.sizes[profile]) ?? [])
      .map((line) => `- ${line}`)
      .join('\n'),
  };
  for (const benchmark of benchmarks) {
    const result = resultIn(results, benchmark);
    values[benchmark.templateName] = result === undefined ? undefined : '';
    if (result === undefined) continue;
    for (const [name, value] of Object.entries(benchmark.section(result))) {
      values[`${benchmark.templateName}.${name}`] = value;
    }
  }
  return wrapProse(fillTemplate(await readFile(TEMPLATE, 'utf8'), values));
}
