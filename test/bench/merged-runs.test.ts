// Bench report test: docs/performance.md says which benchmarks came from later partial runs merged into
// the last whole run (bench/merge.ts records them), and where each was measured.

import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { BENCHMARKS } from '../../bench/benchmarks.js';
import { renderMarkdown } from '../../bench/report.js';
import type { BenchResults } from '../../bench/results.js';

const committed = async (): Promise<BenchResults> => {
  const text = await readFile(new URL('../../bench/results.json', import.meta.url), 'utf8');
  return JSON.parse(text) as BenchResults;
};

describe('the last run, with merged benchmarks', () => {
  it('names each merged benchmark with the day, machine and load of the run it came from', async () => {
    const results: BenchResults = {
      ...(await committed()),
      mergedRuns: {
        endToEnd: { date: '2026-12-01T10:00:00.000Z', cpuModel: 'Test CPU', loadAtStart: 0.5 },
        deliveryCpu: { date: '2026-12-01T10:00:00.000Z', cpuModel: 'Test CPU', loadAtStart: 0.5 },
        coldStart: { date: '2026-12-02T09:00:00.000Z', cpuModel: 'Other CPU', loadAtStart: 1.25 },
      },
    };

    const doc = (await renderMarkdown(BENCHMARKS, results, 'full')).replace(/\s+/g, ' ');

    expect(doc).toContain('Some benchmarks were run again later on their own and merged in');
    expect(doc).toContain(
      '**3 end to end**, **9 delivery CPU** on 2026-12-01 (Test CPU, load average 0.50 at the start)',
    );
    expect(doc).toContain('**4 cold start** on 2026-12-02 (Other CPU, load average 1.25 at the start)');
  });

  it('says nothing of merging when every result is the whole run’s own', async () => {
    const { mergedRuns: _merged, ...whole } = await committed();

    const doc = await renderMarkdown(BENCHMARKS, whole as BenchResults, 'full');

    expect(doc).not.toContain('were run again later on their own');
  });
});
