// `make bench`: runs the benchmarks, prints one results table, writes bench/results.json and
// docs/performance.md, comparing the run with bench/before.json when that file is there. Options:
// --profile full|smoke, --out <dir> (both files there instead), --only a,b (benchmark names as in
// results.json). Only a whole `full` run writes the committed files: a smoke or partial run without --out
// writes to tmp/bench.

import './lib/quiet-handlers.js';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { PROFILE_NAMES, type ProfileName } from './benchmark.js';
import { BENCHMARKS } from './benchmarks.js';
import { runBenchmarks } from './harness.js';
import { REPO_ROOT } from './lib/children.js';
import { stderrLog } from './lib/log.js';
import { renderMarkdown, renderText, resultRows } from './report.js';
import { checkResults, type BenchResults } from './results.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'full' },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});

if (!(PROFILE_NAMES as readonly string[]).includes(values.profile))
  throw new Error(`--profile is one of ${PROFILE_NAMES.join(', ')}`);
const profile = values.profile as ProfileName;
const onlyNames = values.only?.split(',').map((name) => name.trim());
const unknown = (onlyNames ?? []).filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
if (unknown.length > 0)
  throw new Error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
const asked =
  onlyNames === undefined ? BENCHMARKS : BENCHMARKS.filter((benchmark) => onlyNames.includes(benchmark.name));

const results = await runBenchmarks(BENCHMARKS, asked, profile, stderrLog);
const problems = checkResults(results, profile, asked);

// Written as Prettier would, so `make lint` passes on the committed files.
async function formatted(file: string, text: string, parser: 'json' | 'markdown'): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, parser });
}

/**
 * The earlier run to compare with, if there is one. Only what describes the run is required of it; the
 * comparison reads of each benchmark the fields both runs have.
 */
async function earlierRun(): Promise<BenchResults | undefined> {
  const file = join(REPO_ROOT, 'bench/before.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<BenchResults> | null;
    const machine = parsed?.machine;
    if (typeof parsed?.date !== 'string' || typeof machine !== 'object' || machine === null)
      throw new Error('it does not say when and where it ran');
    return parsed as BenchResults;
  } catch (error) {
    stderrLog(`bench/before.json is not a readable run, no comparison: ${String(error)}`);
    return undefined;
  }
}

// The committed files hold a whole `full` run; anything less goes to tmp/bench unless --out says where.
const whole = profile === 'full' && onlyNames === undefined;
const outDir = values.out ?? (whole ? undefined : join(REPO_ROOT, 'tmp/bench'));
const resultsFile =
  outDir === undefined ? join(REPO_ROOT, 'bench/results.json') : join(outDir, 'results.json');
const docFile =
  outDir === undefined ? join(REPO_ROOT, 'docs/performance.md') : join(outDir, 'performance.md');
if (outDir !== undefined) await mkdir(outDir, { recursive: true });
await writeFile(resultsFile, await formatted(resultsFile, JSON.stringify(results), 'json'));
const document = await renderMarkdown(BENCHMARKS, results, profile, await earlierRun());
await writeFile(docFile, await formatted(docFile, document, 'markdown'));

process.stdout.write(`${renderText(resultRows(BENCHMARKS, results))}\n`);
const missed = results.budgets.filter((budget) => !budget.ok);
stderrLog(
  `budgets: ${results.budgets.length - missed.length} of ${results.budgets.length} met${missed.length > 0 ? ` (missed: ${missed.map((budget) => budget.id).join(', ')})` : ''}`,
);
stderrLog(
  `wrote ${resultsFile.replace(REPO_ROOT, '')} and ${docFile.replace(REPO_ROOT, '')} in ${results.durationS} s`,
);
if (problems.length > 0) {
  stderrLog(`the results are incomplete:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
}
// Helpers and sockets are closed; anything left (a stray timer in a library) must not hold the run open.
process.exit();
