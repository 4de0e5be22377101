// Test support: Debian's Chromium for the browser tests (driven through playwright-core). Finds it,
// fails the run when REQUIRE_BROWSER=1 demands it and it is missing, and otherwise lets the suites skip.

import { describe, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH, else `chromium` on the PATH (what `command -v chromium` finds). */
function findChromium(): string | undefined {
  const explicit = process.env['CHROMIUM_PATH'];
  if (explicit !== undefined && explicit !== '') return existsSync(explicit) ? explicit : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Chromium's path, and `describe` for the suites that need it (`describe.skip` without one). Call it once
 * per test file, at its top level: a missing browser is a failing test under REQUIRE_BROWSER=1.
 */
export function useChromium(): {
  executablePath: string | undefined;
  suite: typeof describe | typeof describe.skip;
} {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    if (process.env['REQUIRE_BROWSER'] === '1') {
      describe('Chromium', () => {
        it('is installed, as REQUIRE_BROWSER=1 demands', () => {
          throw new Error('No chromium on the PATH and no CHROMIUM_PATH: apt-get install chromium');
        });
      });
    } else {
      // One plain line (console.warn would add a code frame): the suites then report as skipped.
      process.stderr.write(
        '\nbrowser tests SKIPPED: no chromium on the PATH (or CHROMIUM_PATH); REQUIRE_BROWSER=1 makes this a failure.\n',
      );
    }
  }
  return { executablePath, suite: executablePath === undefined ? describe.skip : describe };
}
