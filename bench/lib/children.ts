// Bench support: helper processes (the WebSocket client crowd, the fan-out sender) run TypeScript through
// tsx and talk to the harness over IPC, one request and one reply at a time.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from it so `--import tsx` and the sources resolve as in `make`. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** An environment for helpers: the harness's own, minus flags meant for Jest. */
export function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env['NODE_OPTIONS'];
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  return env;
}

export class Helper<Request extends { op: string }, Reply> {
  private readonly process: ChildProcess;
  private stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(modulePath: string) {
    this.process = fork(modulePath, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      env: childEnv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.process.stderr?.on('data', (chunk: Buffer) => {
      // Keep the tail only: enough to explain a crash.
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  /** Sends one request and resolves with the next reply; rejects if the helper dies or takes too long. */
  request(message: Request, timeoutMs: number): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
      };
      const onMessage = (reply: unknown) => {
        cleanup();
        const failure = (reply as { error?: unknown }).error;
        if (typeof failure === 'string') reject(new Error(`${message.op} failed in helper: ${failure}`));
        else resolve(reply as Reply);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`helper exited (${code}) during ${message.op}:\n${this.stderr}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`helper did not answer ${message.op} within ${timeoutMs} ms:\n${this.stderr}`));
      }, timeoutMs);
      this.process.on('message', onMessage);
      this.process.once('exit', onExit);
      this.process.send(message);
    });
  }

  /** Stops the helper (it exits by itself after its last job; this is for failures). */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 3_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Waits for the helper to exit by itself. */
  async done(): Promise<void> {
    await this.exited;
  }
}

/** Runs one job in a fresh helper process that exits after it, and returns its reply. */
export async function runInFreshHelper<Request extends { op: string }, Reply>(
  modulePath: string,
  request: Request,
  timeoutMs: number,
): Promise<Reply> {
  const helper = new Helper<Request, Reply>(modulePath);
  try {
    const reply = await helper.request(request, timeoutMs);
    await helper.done();
    return reply;
  } finally {
    await helper.stop();
  }
}

/** The helper side: answers each request with `handle`, errors as `{ error }`. */
export function serveRequests<Request, Reply>(handle: (request: Request) => Promise<Reply>): void {
  process.on('message', (request: Request) => {
    handle(request).then(
      (reply) => process.send?.(reply),
      (error: unknown) =>
        process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // A harness that dies must not leave helpers behind.
  process.on('disconnect', () => process.exit(0));
}
