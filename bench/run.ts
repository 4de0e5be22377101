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
import { runBenchmarks } from './harness.js';
import { REPO_ROOT } from './lib/children.js';
import { stderrLog } from './lib/log.js';
import { PROFILES, type ProfileName } from './profiles.js';
import { renderMarkdown, renderText, resultRows, type EarlierResults } from './report.js';
import { BENCHMARKS, checkResults, type BenchmarkName } from './results.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'full' },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});

const profileName = values.profile as ProfileName;
const profile = PROFILES[profileName];
if (profile === undefined) throw new Error(`--profile is one of ${Object.keys(PROFILES).join(', ')}`);
const only = values.only?.split(',').map((name) => name.trim()) as BenchmarkName[] | undefined;
const unknown = (only ?? []).filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0)
  throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);

const results = await runBenchmarks(profile, { ...(only === undefined ? {} : { only }), log: stderrLog });
const problems = checkResults(results, profile, only ?? BENCHMARKS);

// Written as Prettier would, so `make lint` passes on the committed files.
async function formatted(file: string, text: string, parser: 'json' | 'markdown'): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, parser });
}

/** The earlier run to compare with, if there is one; a file that does not parse is reported and skipped. */
async function earlierRun(): Promise<EarlierResults | undefined> {
  const file = join(REPO_ROOT, 'bench/before.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as EarlierResults) : undefined;
  } catch (error) {
    stderrLog(`bench/before.json is not readable JSON, no comparison: ${String(error)}`);
    return undefined;
  }
}

// The committed files hold a whole `full` run; anything less goes to tmp/bench unless --out says where.
const whole = profile.name === 'full' && only === undefined;
const outDir = values.out ?? (whole ? undefined : join(REPO_ROOT, 'tmp/bench'));
const resultsFile =
  outDir === undefined ? join(REPO_ROOT, 'bench/results.json') : join(outDir, 'results.json');
const docFile =
  outDir === undefined ? join(REPO_ROOT, 'docs/performance.md') : join(outDir, 'performance.md');
if (outDir !== undefined) await mkdir(outDir, { recursive: true });
await writeFile(resultsFile, await formatted(resultsFile, JSON.stringify(results), 'json'));
await writeFile(
  docFile,
  await formatted(docFile, renderMarkdown(results, profile, await earlierRun()), 'markdown'),
);

process.stdout.write(`${renderText(resultRows(results))}\n`);
const missed = results.budgets.filter((b) => !b.ok);
stderrLog(
  `budgets: ${results.budgets.length - missed.length} of ${results.budgets.length} met${missed.length > 0 ? ` (missed: ${missed.map((b) => b.id).join(', ')})` : ''}`,
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
