// Bench: the benchmarks `make bench` knows, in the order of the table and docs/performance.md. A new
// benchmark is a module in bench/benchmarks/, a line here and its section in bench/performance.template.md.

import type { AnyBenchmark } from './benchmark.js';
import { clientSize } from './benchmarks/client-size.js';
import { coldStart } from './benchmarks/cold-start.js';
import { deliveryCpu } from './benchmarks/delivery-cpu.js';
import { cost } from './benchmarks/cost.js';
import { emulatorCapacity } from './benchmarks/emulator-capacity.js';
import { endToEnd } from './benchmarks/end-to-end.js';
import { fairness } from './benchmarks/fairness.js';
import { fanOutRead } from './benchmarks/fan-out-read.js';
import { fanOutTime } from './benchmarks/fan-out-time.js';
import { shardedFanOut } from './benchmarks/sharded-fan-out.js';

export const BENCHMARKS: readonly AnyBenchmark[] = [
  fanOutRead,
  fanOutTime,
  endToEnd,
  coldStart,
  emulatorCapacity,
  cost,
  shardedFanOut,
  fairness,
  deliveryCpu,
  clientSize,
];
