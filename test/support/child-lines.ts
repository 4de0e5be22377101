// Test support: a child process (the dev stack, the CLI) whose output is read line by line, with waits
// on the lines it prints rather than on time.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildLines {
  readonly child: ChildProcess;
  /** Lines printed on stdout so far. */
  readonly lines: readonly string[];
  /** Lines printed on stderr so far. */
  readonly errors: readonly string[];
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Waits for a line matching `pattern` among the lines of stdout (or of `stream`) from index `from` on
   * (0: every line so far), and gives its match. Fails when the process exits first or after `timeoutMs`.
   */
  waitForLine(
    pattern: RegExp,
    options?: { from?: number; timeoutMs?: number; stream?: 'stdout' | 'stderr' },
  ): Promise<RegExpExecArray>;
}

export function spawnLines(command: string, args: readonly string[], options: SpawnOptions = {}): ChildLines {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const errors: string[] = [];
  const listeners = new Set<() => void>();
  let ended = false;
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    notify();
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    errors.push(line);
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = true;
      notify();
      resolve({ code, signal });
    }),
  );
  const recent = () =>
    `\n--- stdout (last lines)\n${lines.slice(-15).join('\n')}\n--- stderr (last lines)\n${errors.slice(-15).join('\n')}`;

  const waitForLine: ChildLines['waitForLine'] = (
    pattern,
    { from = 0, timeoutMs = 10_000, stream = 'stdout' } = {},
  ) =>
    new Promise((resolve, reject) => {
      const source = stream === 'stdout' ? lines : errors;
      let checked = from;
      const check = () => {
        for (; checked < source.length; checked += 1) {
          const match = pattern.exec(source[checked] as string);
          if (match !== null) return finish(() => resolve(match));
        }
        if (ended)
          finish(() =>
            reject(new Error(`process exited before printing ${pattern} on ${stream}${recent()}`)),
          );
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`no ${stream} line matching ${pattern} within ${timeoutMs} ms${recent()}`)),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  return { child, lines, errors, exited, waitForLine };
}
