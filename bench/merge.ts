// `npx tsx bench/merge.ts <dir>`: takes the benchmarks of a partial `full` run written with
// `--only ... --out <dir>` into bench/results.json (replacing those benchmarks' results, keeping the
// others and the run description of the last whole run), checks every budget again and renders
// docs/performance.md from the merged results. For a benchmark that is too long to rerun the suite for.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { BENCHMARKS } from './benchmarks.js';
import { REPO_ROOT } from './lib/children.js';
import { stderrLog } from './lib/log.js';
import { renderMarkdown } from './report.js';
import { checkBudgets, checkResults, type BenchResults, type MergedRun } from './results.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: bench/merge.ts <dir with the partial run results.json>');

const readRun = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as BenchResults;
const partial = await readRun(join(dir, 'results.json'));
const committedFile = join(REPO_ROOT, 'bench/results.json');
const committed = await readRun(committedFile);
if (partial.profile !== 'full' || committed.profile !== 'full') throw new Error('only full runs are merged');

const ran = BENCHMARKS.filter((benchmark) => partial[benchmark.name] !== undefined);
const merged: Record<string, unknown> = { ...committed };
const mergedRuns: Record<string, MergedRun> = { ...committed.mergedRuns };
for (const benchmark of ran) {
  merged[benchmark.name] = partial[benchmark.name];
  // The run description stays the whole run's: say where each merged result was measured instead.
  mergedRuns[benchmark.name] = {
    date: partial.date,
    cpuModel: partial.machine.cpuModel,
    loadAtStart: partial.machine.loadAtStart,
  };
}
merged['mergedRuns'] = mergedRuns;
delete merged['budgets'];
const results = { ...merged, budgets: checkBudgets(BENCHMARKS, merged) } as unknown as BenchResults;
const problems = checkResults(results, 'full', ran);
if (problems.length > 0) throw new Error(`the merged results are incomplete:\n  ${problems.join('\n  ')}`);

async function formatted(file: string, text: string, parser: 'json' | 'markdown'): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, parser });
}

const beforeFile = join(REPO_ROOT, 'bench/before.json');
const before = existsSync(beforeFile) ? await readRun(beforeFile).catch(() => undefined) : undefined;
const docFile = join(REPO_ROOT, 'docs/performance.md');
await writeFile(committedFile, await formatted(committedFile, JSON.stringify(results), 'json'));
await writeFile(
  docFile,
  await formatted(docFile, await renderMarkdown(BENCHMARKS, results, 'full', before), 'markdown'),
);
stderrLog(
  `merged ${ran.map((benchmark) => benchmark.name).join(', ')} into bench/results.json and docs/performance.md`,
);
