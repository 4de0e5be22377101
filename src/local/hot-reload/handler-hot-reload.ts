// Local stack, hot reload: keeps the running stack's handlers current with the sources. The emulator,
// the HTTP API and the queue poller hold stable functions that call the current generation, so a reload
// swaps the code the next invocation runs while the open WebSocket connections and DynamoDB Local stay,
// as they do across a Lambda deploy.

import { randomUUID } from 'node:crypto';
import { realpath, rm } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import type { LambdaHandler } from '../emulator/gateway-config.js';
import {
  buildGeneration,
  GenerationBuildError,
  type GenerationSource,
  type HandlerGeneration,
} from './handler-generation.js';
import { watchSources, type SourceWatcher } from './source-watcher.js';

export type ReloadEvent =
  | {
      readonly kind: 'reloaded';
      readonly generation: number;
      readonly ms: number;
      /** Repository-relative paths, `src/handlers/...`. */
      readonly changed: readonly string[];
    }
  | {
      readonly kind: 'failed';
      readonly ms: number;
      readonly changed: readonly string[];
      /** esbuild's errors, or what the new module threw while loading. */
      readonly error: string;
    };

export interface HotReloadOptions {
  /** The repository root: the folder holding `src/` and `node_modules/`. */
  readonly root: string;
  /** Function name -> entry file under `src/handlers/functions/`. */
  readonly entries: Readonly<Record<string, string>>;
  readonly onReload: (event: ReloadEvent) => void;
  /** Quiet time after the last file event before a rebuild; 50 ms by default. */
  readonly settleMs?: number;
}

/** A generation with the invocations it is still running: it is closed once retired and idle. */
interface Live {
  readonly generation: HandlerGeneration;
  inFlight: number;
  retired: boolean;
  closed: boolean;
}

const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts', '.js', '.mjs', '.json']);

export class HandlerHotReload {
  /** One stable function per name, calling whichever generation is current. */
  readonly functions: Readonly<Record<string, LambdaHandler>>;
  private live: Live;
  private readonly watcher: SourceWatcher;
  private readonly waiting = new Set<string>();
  private draining: Promise<void> | undefined;
  private lastBuildFailed = false;
  /** Build attempts so far: every attempt gets a new module URL, as Node caches failed imports too. */
  private attempts = 1;
  private stopped = false;

  private constructor(
    private readonly options: HotReloadOptions,
    private readonly source: GenerationSource,
    first: HandlerGeneration,
  ) {
    this.live = { generation: first, inFlight: 0, retired: false, closed: false };
    this.functions = Object.fromEntries(
      Object.keys(options.entries).map((name) => [name, this.stable(name)]),
    );
    this.watcher = watchSources({
      dir: join(options.root, 'src'),
      settleMs: options.settleMs ?? 50,
      onChange: (paths) => this.changed(paths),
    });
  }

  /** Builds the first generation from the current sources (its errors are thrown) and starts watching. */
  static async start(given: HotReloadOptions): Promise<HandlerHotReload> {
    // Inline source maps give stack traces in the sources' lines, not the bundle's.
    process.setSourceMapsEnabled(true);
    // esbuild names its inputs by their real paths: the watcher's paths must be spelled the same way.
    const options = { ...given, root: await realpath(given.root) };
    const source: GenerationSource = {
      root: options.root,
      entries: options.entries,
      // Under the root so that the bundle's package imports resolve; one folder per process.
      outDir: join(
        options.root,
        'node_modules',
        '.cache',
        'roomcast-hot-reload',
        `${process.pid}-${randomUUID()}`,
      ),
    };
    try {
      return new HandlerHotReload(options, source, await buildGeneration(source, 1));
    } catch (error) {
      await rm(source.outDir, { recursive: true, force: true });
      throw error;
    }
  }

  get generation(): number {
    return this.live.generation.number;
  }

  /** Stops watching, waits for a reload in progress and closes the current generation's clients. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher.close();
    await this.draining;
    this.retire(this.live);
    await rm(this.source.outDir, { recursive: true, force: true });
  }

  private stable(name: string): LambdaHandler {
    return async (event: never, context: Context) => {
      const live = this.live;
      const handler = live.generation.functions[name];
      if (handler === undefined) throw new Error(`the handlers' bundle has no function "${name}"`);
      live.inFlight += 1;
      try {
        return await handler(event, context);
      } finally {
        live.inFlight -= 1;
        this.closeIfDone(live);
      }
    };
  }

  private changed(paths: readonly string[]): void {
    if (this.stopped) return;
    // After a failed build the bundle's inputs are unknown, and the fix may be in any source file.
    const relevant = this.lastBuildFailed
      ? paths.filter((path) => SOURCE_EXTENSIONS.has(extname(path)))
      : paths.filter((path) => this.live.generation.inputs.has(path));
    if (relevant.length === 0) return;
    for (const path of relevant) this.waiting.add(path);
    this.draining ??= this.drain();
  }

  /** Rebuilds until no change is waiting: changes made during a build get a build of their own. */
  private async drain(): Promise<void> {
    while (this.waiting.size > 0 && !this.stopped) {
      const changed = [...this.waiting].sort();
      this.waiting.clear();
      await this.reload(changed.map((path) => relative(this.options.root, path)));
    }
    this.draining = undefined;
  }

  private async reload(changed: readonly string[]): Promise<void> {
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    let next: HandlerGeneration;
    try {
      next = await buildGeneration(this.source, ++this.attempts);
    } catch (error) {
      this.lastBuildFailed = true;
      const detail =
        error instanceof GenerationBuildError
          ? error.message
          : `  ${(error as Error).stack ?? String(error)}`;
      this.options.onReload({ kind: 'failed', ms: elapsed(), changed, error: detail });
      return;
    }
    this.lastBuildFailed = false;
    const previous = this.live;
    this.live = { generation: next, inFlight: 0, retired: false, closed: false };
    this.retire(previous);
    this.options.onReload({ kind: 'reloaded', generation: next.number, ms: elapsed(), changed });
  }

  private retire(live: Live): void {
    live.retired = true;
    this.closeIfDone(live);
  }

  /** Invocations already running finish on the generation they started on, with its clients open. */
  private closeIfDone(live: Live): void {
    if (!live.retired || live.inFlight > 0 || live.closed) return;
    live.closed = true;
    live.generation.close();
  }
}
