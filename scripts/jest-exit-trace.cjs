// `make test`'s witness inside the Jest process: preloaded with --require, it records what can make that
// process exit non-zero after Jest has written its results (an explicit process.exit, an uncaught
// exception or rejection, a test logging after it ended) and writes it to $ROOMCAST_JEST_EXIT_TRACE as it
// exits, for scripts/explain-test-exit.mjs. Jest's workers inherit the preload; only the Jest CLI records.
'use strict';

const { writeFileSync } = require('node:fs');

const file = process.env.ROOMCAST_JEST_EXIT_TRACE;
const isJestCli = /[\\/]jest(\.js)?$/.test(process.argv[1] ?? '') && process.env.JEST_WORKER_ID === undefined;

if (file !== undefined && isJestCli) {
  const trace = { exitCalls: [], uncaught: [], lateLogs: [] };
  const describe = (error) => (error instanceof Error ? (error.stack ?? String(error)) : String(error));

  const exit = process.exit;
  process.exit = function tracedExit(code) {
    trace.exitCalls.push({ code: code ?? null, stack: new Error('process.exit').stack });
    return exit.apply(process, arguments);
  };
  // A monitor sees every uncaught exception without changing how Node handles it; an unhandled rejection
  // reaches it too (origin `unhandledRejection`), since Node throws those by default.
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    trace.uncaught.push({ origin, error: describe(error) });
  });
  // Jest sets exit code 1, and prints only this, when a test's leftover work logs after the test ended:
  // in a run in band (one worker, as on two cores) that is this process's exit code.
  const ESCAPE = String.fromCharCode(27);
  const withoutColours = (text) =>
    text
      .split(ESCAPE)
      .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
      .join('');
  const writeError = process.stderr.write;
  process.stderr.write = function tracedWrite(chunk, ...rest) {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text.includes('Cannot log after tests are done')) {
      trace.lateLogs.push(withoutColours(text).trim().slice(0, 2_000));
    }
    return writeError.call(this, chunk, ...rest);
  };
  process.on('exit', (code) => {
    try {
      writeFileSync(file, `${JSON.stringify({ code, ...trace }, null, 2)}\n`);
    } catch {
      // The trace is a witness, never a reason to fail.
    }
  });
}
