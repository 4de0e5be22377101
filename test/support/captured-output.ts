// Test support: what the code under test writes to stdout and stderr (Powertools' log and EMF lines), caught
// instead of printed, for one test at a time.

import { afterEach, beforeEach, jest } from '@jest/globals';

/**
 * Catches both streams for each test of the calling file (a fresh list per test, the streams restored after
 * it). Powertools writes info, debug and metrics to stdout, warnings and errors to stderr.
 */
export function captureOutputPerTest(): { readonly chunks: string[]; lines(): string[] } {
  const captured = { chunks: [] as string[] };
  beforeEach(() => {
    captured.chunks = [];
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        captured.chunks.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  return {
    get chunks() {
      return captured.chunks;
    },
    /** The non-blank lines written so far. */
    lines: () =>
      captured.chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== ''),
  };
}
