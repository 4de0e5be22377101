// Local stack, hot reload: watches a source folder and reports bursts of changes once they settle (an
// editor's save, a `git checkout` or a formatter touch many files within milliseconds).

import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface SourceWatcherOptions {
  readonly dir: string;
  /** Quiet time after the last event before the burst is reported. */
  readonly settleMs: number;
  /** Absolute paths of the files changed in the burst, sorted. */
  readonly onChange: (paths: readonly string[]) => void;
}

export interface SourceWatcher {
  close(): void;
}

export function watchSources(options: SourceWatcherOptions): SourceWatcher {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const paths = [...pending].sort();
    pending = new Set();
    options.onChange(paths);
  };
  // Recursive watching is native on Linux from Node 20 and on macOS and Windows before that.
  const watcher: FSWatcher = watch(options.dir, { recursive: true }, (_event, filename) => {
    if (filename === null) return;
    pending.add(join(options.dir, filename.toString()));
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(flush, options.settleMs);
  });
  // A folder that vanishes (a branch switch deleting it) ends watching; the stack keeps serving.
  watcher.on('error', () => watcher.close());
  return {
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}
