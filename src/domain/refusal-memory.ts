// Domain rule: what this container already knows about empty rate-limit buckets, so that a frame a bucket
// is known to refuse is refused without a round trip (and a write) to the store that holds the bucket.
// (admission) --> refusal memory; (admission) --> rate limiter only when the memory does not know

import type { ClockPort } from './ports/clock.port.js';
import { rateBucketName, type RateBucket } from './rate-limit.js';

/**
 * A refusal says when the bucket will next allow a frame; until then every take would be refused too
 * (other takes only push that moment later), so answering from memory refuses nothing the store would
 * have allowed, and allows nothing at all. Bounded: past `maxBuckets`, lapsed entries go first, then the
 * oldest, which only means some refusals are asked of the store again.
 */
export class RefusalMemory {
  /** Bucket name -> the clock time until which it refuses; in insertion order, oldest first. */
  private readonly refusedUntil = new Map<string, number>();
  /** Bucket name -> the end of the line of takes on it in this container (settled, never rejected). */
  private readonly lines = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: ClockPort,
    private readonly maxBuckets = 10_000,
  ) {}

  /** How long the bucket is known to refuse from now on; 0 when nothing is known. */
  retryAfterMs(bucket: RateBucket): number {
    const name = rateBucketName(bucket);
    const until = this.refusedUntil.get(name);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left > 0) return left;
    this.refusedUntil.delete(name);
    return 0;
  }

  /** Records a refusal the store just gave. */
  remember(bucket: RateBucket, retryAfterMs: number): void {
    if (!(retryAfterMs > 0)) return;
    const name = rateBucketName(bucket);
    this.refusedUntil.delete(name);
    if (this.refusedUntil.size >= this.maxBuckets) this.makeRoom();
    this.refusedUntil.set(name, this.clock.now() + retryAfterMs);
  }

  forget(bucket: RateBucket): void {
    this.refusedUntil.delete(rateBucketName(bucket));
  }

  /**
   * Runs `work` (a take on the bucket) once the takes on the same bucket started before it in this container
   * have finished, so a burst of frames on one bucket learns the bucket's refusal from the first take that
   * meets it, and the frames behind it can be refused from memory instead of each writing to the store. In
   * Lambda a container runs one invocation at a time, so the line is always empty there; it matters where
   * invocations share a process (the local stack). Takes on other buckets are not held.
   */
  async inTurn<T>(bucket: RateBucket, work: () => Promise<T>): Promise<T> {
    const name = rateBucketName(bucket);
    const mine = (this.lines.get(name) ?? Promise.resolve()).then(work);
    const end = mine.then(
      () => undefined,
      () => undefined,
    );
    this.lines.set(name, end);
    try {
      return await mine;
    } finally {
      if (this.lines.get(name) === end) this.lines.delete(name);
    }
  }

  /** Buckets with takes in line or running (for tests: the lines leave nothing behind). */
  get lineCount(): number {
    return this.lines.size;
  }

  /** How many buckets are remembered (for tests of the bound). */
  get size(): number {
    return this.refusedUntil.size;
  }

  private makeRoom(): void {
    const now = this.clock.now();
    for (const [name, until] of this.refusedUntil) {
      if (until <= now) this.refusedUntil.delete(name);
    }
    const oldest = this.refusedUntil.keys().next();
    if (this.refusedUntil.size >= this.maxBuckets && oldest.done !== true)
      this.refusedUntil.delete(oldest.value);
  }
}
