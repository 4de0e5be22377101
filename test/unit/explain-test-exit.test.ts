// Tooling: scripts/explain-test-exit.mjs, the last thing `make test` prints when Jest exits non-zero. It must
// name the failed tests, or say that the exit came from the process when Jest recorded none, and fail; it
// passes only a run Jest recorded as passed whose process, by its exit trace, recorded no error either.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(process.cwd(), 'scripts/explain-test-exit.mjs');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roomcast-explain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs the script on these results, and on this exit trace when one is given (`missing`: named but never
 * written); its exit code and what it printed to stderr.
 */
async function explain(
  results: unknown,
  exitCode = '1',
  trace?: unknown,
): Promise<{ code: number | null; stderr: string }> {
  const name = Math.random().toString(36).slice(2);
  const file = join(dir, `results-${name}.json`);
  const traceFile = join(dir, `exit-${name}.json`);
  if (results !== undefined) await writeFile(file, JSON.stringify(results));
  if (trace !== undefined && trace !== 'missing') await writeFile(traceFile, JSON.stringify(trace));
  const args = [SCRIPT, file, exitCode, ...(trace === undefined ? [] : [traceFile])];
  return new Promise((resolve) => {
    execFile('node', args, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number), stderr });
    });
  });
}

const PASSED = {
  success: true,
  testResults: [
    {
      name: '/repo/test/unit/d.test.ts',
      status: 'passed',
      assertionResults: [{ fullName: 'd', status: 'passed' }],
    },
  ],
};

const suite = (name: string, tests: { fullName: string; status: string }[], extra = {}) => ({
  name,
  status: tests.some((test) => test.status === 'failed') ? 'failed' : 'passed',
  assertionResults: tests,
  ...extra,
});

describe('the explanation of a failed `make test`', () => {
  it('names each failed test with its file', async () => {
    const { code, stderr } = await explain({
      success: false,
      testResults: [
        suite('/repo/test/e2e/a.test.ts', [
          { fullName: 'a works', status: 'passed' },
          { fullName: 'a answers once', status: 'failed' },
        ]),
        suite('/repo/test/unit/b.test.ts', [{ fullName: 'b works', status: 'passed' }]),
      ],
    });
    expect(code).toBe(1);
    expect(stderr).toContain('jest exited with 1');
    expect(stderr).toContain('failed: /repo/test/e2e/a.test.ts > a answers once');
    expect(stderr).not.toContain('b works');
  });

  it('names a suite that failed to run, with the first line of its message', async () => {
    const { stderr } = await explain({
      success: false,
      testResults: [
        suite('/repo/test/e2e/c.test.ts', [], {
          status: 'failed',
          message: '\n  Cannot find module x\n  at y',
        }),
      ],
    });
    expect(stderr).toContain('suite failed to run: /repo/test/e2e/c.test.ts:   Cannot find module x');
  });

  it('says the exit came from the process when Jest recorded everything as passed', async () => {
    const { code, stderr } = await explain(
      {
        success: true,
        testResults: [suite('/repo/test/unit/d.test.ts', [{ fullName: 'd', status: 'passed' }])],
      },
      '7',
    );
    expect(code).toBe(1);
    expect(stderr).toContain('jest exited with 7');
    expect(stderr).toContain('the exit code came from the process itself');
  });

  it('passes, with a warning, a run Jest recorded as passed whose process recorded no error and no exit call', async () => {
    const { code, stderr } = await explain(PASSED, '1', { code: 1, exitCalls: [], uncaught: [] });
    expect(code).toBe(0);
    expect(stderr).toContain('jest exited with 1, but Jest recorded every suite and test as passed');
  });

  it('names a test that logged after it ended when it passes such a run', async () => {
    const { code, stderr } = await explain(PASSED, '1', {
      code: 1,
      exitCalls: [],
      uncaught: [],
      lateLogs: ['●  Cannot log after tests are done.\n    Attempted to log "socket usage".'],
    });
    expect(code).toBe(0);
    expect(stderr).toContain('a test logged after it ended: ●  Cannot log after tests are done.');
  });

  it('fails a passed run whose process recorded an uncaught error, and prints it', async () => {
    const { code, stderr } = await explain(PASSED, '1', {
      code: 1,
      exitCalls: [],
      uncaught: [{ origin: 'unhandledRejection', error: 'Error: socket hang up\n    at x' }],
    });
    expect(code).toBe(1);
    expect(stderr).toContain('uncaught (unhandledRejection): Error: socket hang up');
  });

  it('fails a passed run whose process called process.exit, and prints where', async () => {
    const { code, stderr } = await explain(PASSED, '3', {
      code: 3,
      exitCalls: [{ code: 3, stack: 'Error: process.exit\n    at leftover (/repo/x.js:1:1)' }],
      uncaught: [],
    });
    expect(code).toBe(1);
    expect(stderr).toContain('process.exit(3) called: Error: process.exit');
  });

  it('fails a passed run whose process left no trace where one was expected', async () => {
    const { code, stderr } = await explain(PASSED, '1', 'missing');
    expect(code).toBe(1);
    expect(stderr).toContain('left no exit trace');
  });

  it('fails a run with a failed test whatever the trace says', async () => {
    const { code } = await explain(
      {
        success: false,
        testResults: [suite('/repo/test/e2e/a.test.ts', [{ fullName: 'a', status: 'failed' }])],
      },
      '1',
      { code: 1, exitCalls: [], uncaught: [] },
    );
    expect(code).toBe(1);
  });

  it('says so when Jest left no results to read', async () => {
    const { code, stderr } = await explain(undefined);
    expect(code).toBe(1);
    expect(stderr).toContain('left no readable results');
  });
});
