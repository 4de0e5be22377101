// Bench core: what one benchmark module exports. bench/benchmarks.ts lists the modules; bench/run.ts runs
// them, checks them, and hands their rows and sections to bench/report.ts.

import type { DevStack } from '../src/local/dev-stack.js';
import type { HandlerTimes } from './lib/handler-times.js';
import type { IdleMemory } from './lib/idle-memory.js';
import type { Log } from './lib/log.js';
import type { ServerHost } from './lib/server-host-client.js';
import type { Swarm } from './lib/swarm-client.js';

export const PROFILE_NAMES = ['full', 'smoke'] as const;

/** `full` is what `make bench` runs; `smoke` runs every benchmark at tiny sizes, as `make test` does. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** One line of the results table `make bench` prints and docs/performance.md shows. */
export interface Row {
  readonly bench: string;
  readonly measure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly floor: string;
  /** Ours / baseline. */
  readonly vsBaseline: string;
  /** Ours / floor. */
  readonly vsFloor: string;
}

/** What we hold a benchmark's result to, as a ratio wherever possible so it holds on any machine. */
export interface Budget<Result> {
  readonly id: string;
  readonly what: string;
  readonly limit: string;
  /** The measured value, or undefined when the result does not have it. */
  value(result: Result): number | undefined;
  isMet(value: number): boolean;
}

/**
 * One number the before/after comparison reads from both runs. An earlier run may lack fields this run
 * has; a measure either run lacks is left out.
 */
export interface Comparison<Result> {
  readonly measure: string;
  value(result: Result): number | undefined;
  format(value: number): string;
}

/** What is expensive to start, started once for every benchmark that asks for it. */
export interface BenchContext {
  readonly profile: ProfileName;
  readonly log: Log;
  /** The local stack (DynamoDB Local, the emulator, the handlers in-process), with its handler timings. */
  devStack(): Promise<{ readonly stack: DevStack; readonly handlerTimes: HandlerTimes }>;
  /** One emulator with live connections open, and what holding them idle cost it. */
  emulatorCrowd(): Promise<EmulatorCrowd>;
  /** Closes the crowd for a measurement that wants the machine to itself; the next to ask opens it again. */
  closeEmulatorCrowd(): Promise<void>;
  /** The result of a benchmark this one `needs`. */
  resultOf<Result>(benchmark: Benchmark<unknown, Result>): Result | undefined;
}

export interface EmulatorCrowd {
  readonly server: ServerHost;
  readonly swarm: Swarm;
  readonly endpoint: string;
  readonly connectionIds: readonly string[];
  readonly idle: IdleMemory;
}

/** The values of one benchmark's section of bench/performance.template.md; undefined drops a block. */
export type SectionValues = Readonly<Record<string, string | undefined>>;

export interface Benchmark<Config, Result> {
  /** Its key in bench/results.json and for `--only`. */
  readonly name: string;
  /** Its prefix in bench/performance.template.md (`{{fan-out-read.table}}`). */
  readonly templateName: string;
  readonly sizes: Readonly<Record<ProfileName, Config>>;
  /** One line for the document's list of sizes; none for a benchmark that only computes. */
  describeSizes?(config: Config): string;
  /** What it shares with others; the runner runs the ones sharing something next to each other. */
  readonly shares?: {
    readonly devStack?: boolean;
    /** Connections it needs open on the shared emulator. */
    emulatorConnections?(config: Config): number;
  };
  /** Benchmarks whose results it is computed from: asking for it runs them, before it. */
  readonly needs?: readonly Benchmark<unknown, unknown>[];
  run(context: BenchContext, config: Config): Promise<Result>;
  /** Problems with a result: empty when it is whole, whatever the numbers are. */
  check(result: Result, config: Config): string[];
  readonly budgets: readonly Budget<Result>[];
  rows(result: Result): Row[];
  section(result: Result): SectionValues;
  /** Whether an earlier result measured the same thing (same sizes, same latency). */
  comparable?(before: Result, now: Result): boolean;
  comparisons(now: Result): Comparison<Result>[];
}

/** Any benchmark, for lists: each module keeps its own config and result types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBenchmark = Benchmark<any, any>;

/** A row with the columns a benchmark leaves empty. */
export function row(cells: Partial<Row> & Pick<Row, 'bench' | 'measure' | 'ours'>): Row {
  return { baseline: '', floor: '', vsBaseline: '', vsFloor: '', ...cells };
}

/** Collects a check's problems: `expect(condition, problem)` keeps the problem when the condition fails. */
export function problemList(): { problems: string[]; expect: (condition: boolean, problem: string) => void } {
  const problems: string[] = [];
  return {
    problems,
    expect: (condition, problem) => {
      if (!condition) problems.push(problem);
    },
  };
}
