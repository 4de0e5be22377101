// Tooling: scripts/jest-exit-trace.cjs, preloaded into the Jest process by `make test`. As that process
// exits it must write what could have made its exit code non-zero, and nothing in any other process.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PRELOAD = join(process.cwd(), 'scripts/jest-exit-trace.cjs');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roomcast-exit-trace-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Trace {
  code: number;
  exitCalls: { code: number | null; stack: string }[];
  uncaught: { origin: string; error: string }[];
  lateLogs: string[];
}

/** Runs `body` as a script named `scriptName` with the preload; its exit code and the trace, if any. */
async function run(
  body: string,
  { scriptName = 'jest.js', env = {} }: { scriptName?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; trace: Trace | undefined }> {
  const case_ = await mkdtemp(join(dir, 'case-'));
  await mkdir(join(case_, 'bin'));
  const script = join(case_, 'bin', scriptName);
  const traceFile = join(case_, 'exit.json');
  await writeFile(script, body);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, ROOMCAST_JEST_EXIT_TRACE: traceFile };
  delete childEnv['NODE_OPTIONS'];
  if (env['JEST_WORKER_ID'] === undefined) delete childEnv['JEST_WORKER_ID'];
  const code = await new Promise<number | null>((resolve) => {
    execFile('node', ['--require', PRELOAD, script], { env: childEnv }, (error) =>
      resolve(error === null ? 0 : (error.code as number)),
    );
  });
  const trace = existsSync(traceFile) ? (JSON.parse(await readFile(traceFile, 'utf8')) as Trace) : undefined;
  return { code, trace };
}

describe('the Jest process exit trace', () => {
  it('records a clean exit with nothing against it', async () => {
    const { code, trace } = await run('setTimeout(() => undefined, 5);');
    expect(code).toBe(0);
    expect(trace).toEqual({ code: 0, exitCalls: [], uncaught: [], lateLogs: [] });
  });

  it('records an uncaught exception, and Node still fails on it', async () => {
    const { code, trace } = await run("setTimeout(() => { throw new Error('left behind'); }, 5);");
    expect(code).toBe(1);
    expect(trace?.code).toBe(1);
    expect(trace?.uncaught).toEqual([
      { origin: 'uncaughtException', error: expect.stringContaining('Error: left behind') },
    ]);
  });

  it('records an unhandled rejection, and Node still fails on it', async () => {
    const { code, trace } = await run("Promise.reject(new Error('late'));");
    expect(code).toBe(1);
    expect(trace?.uncaught).toEqual([
      { origin: 'unhandledRejection', error: expect.stringContaining('Error: late') },
    ]);
  });

  it('records an explicit process.exit with where it was called', async () => {
    const { code, trace } = await run('function leftover() { process.exit(3); }\nleftover();');
    expect(code).toBe(3);
    expect(trace?.exitCalls).toEqual([{ code: 3, stack: expect.stringContaining('leftover') }]);
  });

  it('records what Jest prints when a test logs after it ended, without its colours', async () => {
    const { code, trace } = await run(
      'process.stderr.write(\'\\u001b[31m  ●  Cannot log after tests are done.\\u001b[39m\\n    Attempted to log "late".\\n\');\n' +
        'process.exitCode = 1;',
    );
    expect(code).toBe(1);
    expect(trace?.lateLogs).toEqual(['●  Cannot log after tests are done.\n    Attempted to log "late".']);
    expect(trace?.uncaught).toEqual([]);
  });

  it('writes nothing from a process that is not the Jest CLI, nor from a Jest worker', async () => {
    expect((await run('process.exit(2);', { scriptName: 'other.js' })).trace).toBeUndefined();
    expect((await run('process.exit(2);', { env: { JEST_WORKER_ID: '3' } })).trace).toBeUndefined();
  });
});
