// Bench support: garbage collection on demand and a sampler of peak memory, so a benchmark can report
// what one operation added on top of a settled baseline.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MIB = 1024 * 1024;

let collector: (() => void) | undefined;

/** Runs a full collection. Works without --expose-gc: the flag is switched on at run time. */
export function collectGarbage(): void {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) {
      collector = exposed;
    } else {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as () => void;
    }
  }
  // Twice: the first pass can leave garbage that only becomes unreachable after finalizers ran.
  collector();
  collector();
}

export interface MemoryPoint {
  readonly rss: number;
  readonly heapUsed: number;
  /** Memory outside the V8 heap (Buffers, sockets' backing stores). */
  readonly external: number;
}

export function memoryNow(): MemoryPoint {
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

export interface PeakDelta {
  readonly rssMiB: number;
  readonly heapMiB: number;
}

/** Samples memory on a timer (and on demand) and remembers the highest values seen. */
export class PeakSampler {
  private peakRss: number;
  private peakHeap: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly baseline: MemoryPoint) {
    this.peakRss = baseline.rss;
    this.peakHeap = baseline.heapUsed + baseline.external;
  }

  start(intervalMs = 5): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const point = memoryNow();
    this.peakRss = Math.max(this.peakRss, point.rss);
    this.peakHeap = Math.max(this.peakHeap, point.heapUsed + point.external);
  }

  /** Peak growth over the baseline, in MiB (heap counts V8's heap plus external memory). */
  stop(): PeakDelta {
    clearInterval(this.timer);
    this.sample();
    return {
      rssMiB: (this.peakRss - this.baseline.rss) / MIB,
      heapMiB: (this.peakHeap - this.baseline.heapUsed - this.baseline.external) / MIB,
    };
  }
}
