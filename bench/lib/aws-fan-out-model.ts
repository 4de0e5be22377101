// Bench support: projects a sharded fan-out's time to the last delivery on AWS from what the benchmark
// measured here and what AWS documents. Workers scale as Lambda's SQS event source mapping does (from 5
// concurrent invocations, up by 300 a minute, capped by the mapping's maximum_concurrency and by the jobs
// there are); each invocation keeps C posts in flight, each taking one round trip, and cannot go faster
// than its CPU allows; all of them share the account's @connections quota. Cold starts and the queue hop
// (tens to hundreds of milliseconds) are left out.

import { MAX_BUCKETS } from '../../src/domain/index.js';

export interface AwsFanOutAssumptions {
  readonly cpuMsPerDelivery: number;
  readonly roundTripMs: number;
  /** Posts in flight per invocation (the policy's fanOutConcurrency). */
  readonly concurrency: number;
  /** The account's request quota shared by every API in the Region, requests a second. */
  readonly quotaPerSecond: number;
  /** Concurrent invocations the pollers start with. */
  readonly initialConcurrency: number;
  /** Concurrent invocations added each minute while there are messages. */
  readonly scaleUpPerMinute: number;
  /** The mapping's maximum_concurrency (at most 1,000). */
  readonly maxConcurrency: number;
  readonly membersPerBucket: number;
}

export interface AwsProjection {
  readonly members: number;
  /** Shard jobs: one per bucket of the room. */
  readonly jobs: number;
  /** Deliveries a second one invocation sustains: min(C / round trip, 1 / CPU per delivery). */
  readonly perInvocationPerSecond: number;
  /** Invocations needed to reach the quota. */
  readonly invocationsForQuota: number;
  readonly ms: number;
  readonly limitedBy: 'account quota' | 'worker concurrency';
}

/** Buckets a room of `members` grows to: doubled while each would hold more than `membersPerBucket`. */
export function bucketsFor(members: number, membersPerBucket: number): number {
  let buckets = 1;
  while (buckets < MAX_BUCKETS && members > buckets * membersPerBucket) buckets *= 2;
  return buckets;
}

export function projectOnAws(members: number, assumptions: AwsFanOutAssumptions): AwsProjection {
  const jobs = bucketsFor(members, assumptions.membersPerBucket);
  const perInvocationPerSecond = Math.min(
    (assumptions.concurrency * 1_000) / assumptions.roundTripMs,
    1_000 / assumptions.cpuMsPerDelivery,
  );
  const ceiling = Math.min(assumptions.maxConcurrency, jobs);
  const stepMs = 10;
  let delivered = 0;
  let ms = 0;
  let quotaBound = false;
  while (delivered < members) {
    const workers = Math.min(
      ceiling,
      assumptions.initialConcurrency + (assumptions.scaleUpPerMinute * ms) / 60_000,
    );
    const rate = Math.min(assumptions.quotaPerSecond, workers * perInvocationPerSecond);
    quotaBound = rate === assumptions.quotaPerSecond;
    delivered += (rate * stepMs) / 1_000;
    ms += stepMs;
  }
  return {
    members,
    jobs,
    perInvocationPerSecond,
    invocationsForQuota: Math.ceil(assumptions.quotaPerSecond / perInvocationPerSecond),
    ms,
    limitedBy: quotaBound ? 'account quota' : 'worker concurrency',
  };
}
