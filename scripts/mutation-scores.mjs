// Mutation testing, last step of `make mutation`: reads Stryker's JSON report(s) and prints the score per
// area (src/domain, src/adapters, src/handlers/runtime), the status counts, and every mutant that lived.
// Usage: node scripts/mutation-scores.mjs [report.json ...]
// Without arguments it reads reports/mutation/mutation.json and the per-area reports beside it
// (reports/mutation/<area>/mutation.json, written by `make mutation MUTATE=<area>`); when two reports hold
// the same file, the newer report wins.
import { existsSync, readFileSync, statSync } from 'node:fs';

const AREAS = [
  ['domain', 'src/domain/'],
  ['adapters', 'src/adapters/'],
  ['runtime', 'src/handlers/runtime/'],
];
const DEFAULT_REPORTS = ['mutation.json', ...AREAS.map(([area]) => `${area}/mutation.json`)].map(
  (name) => `reports/mutation/${name}`,
);
// Stryker's score: detected (killed, timed out) over all valid mutants; compile errors and ignored
// mutants do not count.
const DETECTED = ['Killed', 'Timeout'];
const UNDETECTED = ['Survived', 'NoCoverage'];

const paths = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_REPORTS.filter((p) => existsSync(p));
if (paths.length === 0) {
  console.error(`No mutation report found (looked for ${DEFAULT_REPORTS.join(', ')}): run make mutation.`);
  process.exit(1);
}

/** File path (relative, from src/ on) to its mutants, the newest report winning. */
const files = new Map();
const byAge = paths
  .map((path) => ({ path, mtime: statSync(path).mtimeMs }))
  .sort((a, b) => a.mtime - b.mtime);
for (const { path } of byAge) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [name, file] of Object.entries(report.files ?? {})) {
    const at = name.replaceAll('\\', '/').indexOf('src/');
    files.set(at === -1 ? name : name.slice(at), file.mutants);
  }
}

const areaOf = (name) => AREAS.find(([, prefix]) => name.startsWith(prefix))?.[0] ?? 'other';
const count = (mutants, statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
const score = (mutants) => {
  const detected = count(mutants, DETECTED);
  const valid = detected + count(mutants, UNDETECTED);
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(2)}%`;
};

console.log(`Mutation scores (${paths.join(', ')})\n`);
const header = ['area', 'score', 'killed', 'survived', 'no-cov', 'timeout', 'compile-err', 'total'];
const rows = [header];
for (const [area] of [...AREAS, ['other']]) {
  const mutants = [...files].filter(([name]) => areaOf(name) === area).flatMap(([, m]) => m);
  if (mutants.length === 0) continue;
  rows.push([
    area,
    score(mutants),
    ...['Killed', 'Survived', 'NoCoverage', 'Timeout', 'CompileError'].map((s) =>
      String(count(mutants, [s])),
    ),
    String(mutants.length),
  ]);
}
const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const row of rows)
  console.log(
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );

console.log('\nSurviving and uncovered mutants, by file (line:column status mutator: replacement)');
for (const [name, mutants] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const alive = mutants
    .filter((m) => UNDETECTED.includes(m.status))
    .sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
  if (alive.length === 0) continue;
  console.log(`\n${name}  (${score(mutants)}, ${alive.length} alive)`);
  for (const m of alive) {
    const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
    const { line, column } = m.location.start;
    console.log(`  ${line}:${column}  ${m.status.padEnd(10)}  ${m.mutatorName}: ${replacement}`);
  }
}
