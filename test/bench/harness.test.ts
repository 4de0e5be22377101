// Bench smoke test: runs `bench/run.ts` at the smoke profile, as `make bench` runs the full one, and checks
// that every benchmark produced well-formed results and both files. It asserts that the harness works,
// never how fast anything is.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BENCHMARKS } from '../../bench/benchmarks.js';
import { cost } from '../../bench/benchmarks/cost.js';
import { checkResults, resultIn, type BenchResults } from '../../bench/results.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let out: string;
let stdout: string;
let results: BenchResults;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'roomcast-bench-smoke-'));
  const env = { ...process.env };
  // The harness runs under plain Node with tsx, not Jest's VM modules.
  delete env['NODE_OPTIONS'];
  ({ stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--profile', 'smoke', '--out', out],
    { cwd: root, env, maxBuffer: 16 * 1024 * 1024 },
  ));
  results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as BenchResults;
}, 240_000);

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe('the benchmark harness at smoke size', () => {
  it('produces well-formed results for every benchmark', () => {
    expect(checkResults(results, 'smoke', BENCHMARKS)).toEqual([]);
    for (const benchmark of BENCHMARKS) expect(results[benchmark.name]).toBeDefined();
  });

  it('prints one table with a row per benchmark', () => {
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Benchmark\s+Measure\s+Ours\s+Baseline\s+Floor/);
    for (const prefix of ['1 ', '2 ', '3 ', '4 ', '5 ', '6 ', '7 ']) {
      expect(lines.some((line) => line.startsWith(prefix))).toBe(true);
    }
  });

  it('writes the performance document with the run, the machine and the prices', async () => {
    const doc = await readFile(join(out, 'performance.md'), 'utf8');
    expect(doc).toMatch(/^# Performance/);
    expect(doc).toContain(results.machine.node);
    expect(doc).toContain(`checked ${resultIn(results, cost)?.prices.checked ?? ''}`);
    for (const heading of ['## 1.', '## 2.', '## 3.', '## 4.', '## 5.', '## 6.', '## 7.', '## Budgets']) {
      expect(doc).toContain(heading);
    }
    // bench/before.json, when there, is compared with the run, whatever its profile.
    if (existsSync(join(root, 'bench/before.json'))) expect(doc).toContain('## Before and after');
  });
});
