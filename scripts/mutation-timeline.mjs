// Mutation testing, after a run: where its time went, from the timeline the test sequencer writes
// (reports/mutation/<area>/timeline.tsv: when each mutant's Jest run started, in which worker, with which
// test files). A run lasts until the same worker's next run starts; a worker's last run before another
// worker replaces it is one that Stryker stopped (a timeout), and lasts until the replacement's first run.
// Usage: node scripts/mutation-timeline.mjs [area ...]   (default: every area with a timeline)
import { existsSync, readFileSync } from 'node:fs';

const AREAS = ['domain', 'adapters', 'runtime'];

function parse(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ms, pid, mutant, files = ''] = line.split('\t');
      return { at: Number(ms), pid, mutant, files: files === '' ? [] : files.split(',') };
    })
    .sort((a, b) => a.at - b.at);
}

/** Each mutant run with its duration and whether its worker was replaced after it. */
function durations(runs) {
  const byPid = new Map();
  for (const run of runs) (byPid.get(run.pid) ?? byPid.set(run.pid, []).get(run.pid)).push(run);
  const firstStarts = [...byPid.values()].map((list) => list[0].at).sort((a, b) => a - b);
  const end = runs.length > 0 ? runs[runs.length - 1].at : 0;
  const timed = [];
  for (const list of byPid.values()) {
    list.forEach((run, index) => {
      const next = list[index + 1];
      if (next !== undefined) {
        timed.push({ ...run, ms: next.at - run.at, stopped: false });
        return;
      }
      // The worker's last run: stopped by Stryker if a new worker started after it (and before the end).
      const replacement = firstStarts.find((start) => start > run.at);
      if (replacement !== undefined && run.at < end)
        timed.push({ ...run, ms: replacement - run.at, stopped: true });
    });
  }
  return timed.filter((run) => run.mutant !== 'initial');
}

const quantile = (sorted, q) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;

const chosen = process.argv.length > 2 ? process.argv.slice(2) : AREAS;
for (const area of chosen) {
  const path = `reports/mutation/${area}/timeline.tsv`;
  if (!existsSync(path)) {
    if (process.argv.length > 2) console.log(`${area}: no timeline at ${path}`);
    continue;
  }
  const runs = parse(path);
  const timed = durations(runs);
  const total = timed.reduce((sum, run) => sum + run.ms, 0);
  const stopped = timed.filter((run) => run.stopped);
  const stoppedMs = stopped.reduce((sum, run) => sum + run.ms, 0);
  const sorted = timed.map((run) => run.ms).sort((a, b) => a - b);
  const wall = runs.length > 1 ? runs[runs.length - 1].at - runs[0].at : 0;
  console.log(
    `== ${area}: ${timed.length} mutant runs over ${minutes(wall)} of wall time, ${minutes(total)} of worker time`,
  );
  console.log(
    `   per run: median ${seconds(quantile(sorted, 0.5))}, p90 ${seconds(quantile(sorted, 0.9))}, max ${seconds(quantile(sorted, 1))}`,
  );
  console.log(
    `   stopped by Stryker (timeouts, worker replaced): ${stopped.length} runs, ${minutes(stoppedMs)}`,
  );
  const byFile = new Map();
  for (const run of timed) {
    for (const file of run.files) {
      const entry = byFile.get(file) ?? { runs: 0, ms: 0 };
      entry.runs += 1;
      entry.ms += run.ms / run.files.length;
      byFile.set(file, entry);
    }
  }
  console.log('   test files by worker time (a run shared equally between its files):');
  for (const [file, entry] of [...byFile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    console.log(`     ${minutes(entry.ms).padStart(9)}  ${String(entry.runs).padStart(5)} runs  ${file}`);
  }
}
