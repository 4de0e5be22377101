// `make test`'s last word when Jest exits non-zero: reads the results file Jest wrote and says why the run failed.
// A run can print "every suite passed" and still fail (an error thrown after the summary, a reporter error);
// CI keeps only the end of the output, so the reason has to be printed last. With the trace the Jest process
// wrote as it exited (scripts/jest-exit-trace.cjs), a run whose results are whole and passed, and whose process
// recorded no uncaught error and no exit call, passes with a warning: Jest's results are the verdict, and
// nothing in the process said otherwise.
import { readFileSync } from 'node:fs';

const [file, exitCode, traceFile] = process.argv.slice(2);
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`jest exited with ${exitCode} and left no readable results in ${file}: ${error.message}`);
  process.exit(1);
}

const reasons = [];
for (const suite of results.testResults ?? []) {
  const failed = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
  for (const test of failed) reasons.push(`failed: ${suite.name} > ${test.fullName}`);
  if (failed.length === 0 && suite.status === 'failed') {
    reasons.push(
      `suite failed to run: ${suite.name}: ${(suite.message ?? '').split('\n').find((line) => line.trim()) ?? ''}`,
    );
  }
}
if (results.snapshot?.failure) reasons.push('snapshot failure');
if (results.wasInterrupted) reasons.push('the run was interrupted');
if ((results.openHandles ?? []).length > 0) reasons.push(`${results.openHandles.length} open handles`);
if (reasons.length === 0 && results.success) {
  const trace = readTrace(traceFile);
  const lateLogs = (trace?.lateLogs ?? []).map((text) => `  a test logged after it ended: ${text}`);
  if (trace !== undefined && trace.uncaught.length === 0 && trace.exitCalls.length === 0) {
    console.error(
      [
        `\njest exited with ${exitCode}, but Jest recorded every suite and test as passed and its process recorded ` +
          `no uncaught error and no exit call before exiting (${traceFile}): the run passes on Jest's results.`,
        ...lateLogs,
      ].join('\n'),
    );
    process.exit(0);
  }
  reasons.push(
    'Jest recorded every suite and test as passed, so the exit code came from the process itself: ' +
      'look between the summary and this message for an error thrown after the last test (a timer or socket a test left behind)',
  );
  reasons.push(...lateLogs.map((line) => line.trim()));
  for (const { origin, error } of trace?.uncaught ?? []) reasons.push(`uncaught (${origin}): ${error}`);
  for (const { code, stack } of trace?.exitCalls ?? [])
    reasons.push(`process.exit(${code}) called: ${stack}`);
  if (traceFile !== undefined && trace === undefined)
    reasons.push(`the process left no exit trace in ${traceFile}`);
} else if (reasons.length === 0) {
  reasons.push('Jest recorded the run as failed without a failed test (a reporter error, see above)');
}
console.error(`\njest exited with ${exitCode}:\n  ${reasons.join('\n  ')}`);
process.exit(1);

/** The exit trace, or undefined when there is none or it cannot be read. */
function readTrace(path) {
  if (path === undefined) return undefined;
  try {
    const trace = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(trace.uncaught) && Array.isArray(trace.exitCalls) ? trace : undefined;
  } catch {
    return undefined;
  }
}
