// Tooling: scripts/explain-test-exit.mjs, the last thing `make test` prints when Jest exits non-zero. It must
// name the failed tests, or say that the exit came from the process when Jest recorded none, and always fail.

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

/** Runs the script on these results; its exit code and what it printed to stderr. */
async function explain(results: unknown, exitCode = '1'): Promise<{ code: number | null; stderr: string }> {
  const file = join(dir, `results-${Math.random().toString(36).slice(2)}.json`);
  if (results !== undefined) await writeFile(file, JSON.stringify(results));
  return new Promise((resolve) => {
    execFile('node', [SCRIPT, file, exitCode], (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code as number), stderr });
    });
  });
}

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

  it('says so when Jest left no results to read', async () => {
    const { code, stderr } = await explain(undefined);
    expect(code).toBe(1);
    expect(stderr).toContain('left no readable results');
  });
});
