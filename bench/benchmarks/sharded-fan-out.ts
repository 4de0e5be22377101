// Benchmark 7, sharded fan-out: rooms of 1,000 to 100,000 members fanned out by queue-fed workers
// against the inline strategy, the crossover behind FAN_OUT_INLINE_MAX, and a projection to AWS. The
// measurement is bench/measure/sharded-fan-out.ts; the AWS model bench/lib/aws-fan-out-model.ts.

import { DEFAULT_CHAT_POLICY } from '../../src/domain/index.js';
import { ROUTE_TABLE } from '../../src/handlers/route-table.js';
import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, duration, times, wholeNumber } from '../format.js';
import { bucketsFor, projectOnAws, type AwsFanOutAssumptions } from '../lib/aws-fan-out-model.js';
import type { KeyLoad } from '../lib/partition-meter.js';
import { markdownTable } from '../markdown.js';
import {
  runShardedFanOut,
  type ShardedFanOutConfig,
  type ShardedFanOutResult,
  type SizeRow,
} from '../measure/sharded-fan-out.js';

/** AWS's documented defaults the projection uses (sources in the document's section). */
export const AWS_FACTS = {
  quotaPerSecond: 10_000,
  initialConcurrency: 5,
  scaleUpPerMinute: 300,
  maxConcurrencyCap: 1_000,
  partitionWcu: 1_000,
  partitionRcu: 3_000,
  /** 100,000 joins in two minutes. */
  realJoinsPerSecond: 833,
} as const;

const policy = {
  fanOutConcurrency: DEFAULT_CHAT_POLICY.fanOutConcurrency,
  membersPageSize: DEFAULT_CHAT_POLICY.membersPageSize,
  deliveriesPerJob: DEFAULT_CHAT_POLICY.deliveriesPerJob,
  membersPerBucket: DEFAULT_CHAT_POLICY.membersPerBucket,
  roomShapeCacheMs: DEFAULT_CHAT_POLICY.roomShapeCacheMs,
};

const mappingConcurrency = ROUTE_TABLE.queues['fanout']?.maximumConcurrency ?? AWS_FACTS.maxConcurrencyCap;

/** A job serves whole pages until it has listed deliveriesPerJob recipients. */
const perInvocationBound = (result: ShardedFanOutResult) =>
  Math.ceil(result.deliveriesPerJob / result.pageSize) * result.pageSize;

const first = (result: ShardedFanOutResult) => result.rows[0];
const largest = (result: ShardedFanOutResult) => result.rows.at(-1);

function assumptions(result: ShardedFanOutResult, maxConcurrency: number): AwsFanOutAssumptions {
  return {
    cpuMsPerDelivery: result.cpuMsPerDelivery,
    roundTripMs: result.latencyMs,
    concurrency: result.concurrency,
    quotaPerSecond: AWS_FACTS.quotaPerSecond,
    initialConcurrency: AWS_FACTS.initialConcurrency,
    scaleUpPerMinute: AWS_FACTS.scaleUpPerMinute,
    maxConcurrency,
    membersPerBucket: result.membersPerBucket,
  };
}

const keyLoad = (load: KeyLoad | undefined, unit: string) =>
  load === undefined
    ? '-'
    : `${wholeNumber(load.items)} items/s${load.units === undefined ? '' : ` (${decimal(load.units, 1)} ${unit})`} on \`${load.key}\``;

const inlineOutcome = (measured: SizeRow) =>
  measured.inline.complete
    ? duration(measured.inline.lastDeliveryMs)
    : `stopped at ${duration(measured.inline.lastDeliveryMs)}: ${wholeNumber(measured.inline.reached)} of ${wholeNumber(measured.members)}`;

/** What the crossover rows say, in a sentence: where sharding started to deliver sooner and stayed so. */
function crossoverSummary(result: ShardedFanOutResult): string {
  const rows = result.crossover;
  const shardedWins = (index: number) =>
    rows.slice(index).every((measured) => measured.sharded.lastDeliveryMs < measured.inline.lastDeliveryMs);
  const from = rows.findIndex((_, index) => shardedWins(index));
  if (from === -1) return 'Inline delivered sooner than sharded at the largest size measured.';
  const at = rows[from];
  if (at === undefined) return '';
  return `From ${wholeNumber(at.members)} members (${at.buckets} bucket${at.buckets === 1 ? '' : 's'}) on, sharded delivered sooner at every size measured: ${duration(at.sharded.lastDeliveryMs)} against ${duration(at.inline.lastDeliveryMs)} inline there.`;
}

export const shardedFanOut: Benchmark<ShardedFanOutConfig, ShardedFanOutResult> = {
  name: 'shardedFanOut',
  templateName: 'sharded-fan-out',
  sizes: {
    full: {
      sizes: [1_000, 10_000, 100_000],
      crossoverSizes: [250, 500, 1_000, 2_000, 5_000],
      latencyMs: 20,
      accountLimit: { perSecond: AWS_FACTS.quotaPerSecond, burst: 5_000 },
      // Twice the cores: each poller waits on round trips about half its time, so two per core keep the
      // process busy; the dev stack caps its pollers at the same 4. The calibration row shows 1 to 8.
      workers: 4,
      workerChoices: [1, 2, 4, 8],
      calibrationSize: 10_000,
      joinConcurrency: 128,
      ackSamples: 5,
      inlineTimeoutMs: 29_000,
      policy,
    },
    smoke: {
      sizes: [120, 200],
      crossoverSizes: [200],
      latencyMs: 5,
      accountLimit: { perSecond: AWS_FACTS.quotaPerSecond, burst: 5_000 },
      workers: 2,
      workerChoices: [1, 2],
      calibrationSize: 200,
      joinConcurrency: 16,
      ackSamples: 2,
      inlineTimeoutMs: 29_000,
      policy: {
        ...policy,
        membersPerBucket: 50,
        membersPageSize: 25,
        deliveriesPerJob: 40,
        fanOutConcurrency: 4,
      },
    },
  },
  describeSizes: (config) =>
    `sharded fan-out: rooms of ${config.sizes.map(wholeNumber).join(', ')} members (crossover ${config.crossoverSizes.map(wholeNumber).join(', ')}), ${config.latencyMs} ms per call, account limit ${wholeNumber(config.accountLimit.perSecond)}/s`,

  run: (context, config) => runShardedFanOut(config, context.log),

  check(result, config) {
    const { problems, expect } = problemList();
    expect(result.rows.length === config.sizes.length, 'shardedFanOut: one row per size');
    expect(
      result.crossover.length === config.crossoverSizes.length,
      'shardedFanOut: one crossover row per size',
    );
    for (const measured of [...result.rows, ...result.crossover]) {
      const label = `shardedFanOut ${measured.members}`;
      expect(measured.sharded.complete, `${label}: every member got the sharded message`);
      expect(measured.sharded.failedJobs === 0, `${label}: no job failed`);
      expect(measured.sharded.lastDeliveryMs > 0 && measured.sharded.ackMs > 0, `${label}: timed`);
      expect(measured.inline.reached > 0, `${label}: the inline fan-out delivered`);
    }
    expect(
      result.joins.every((join) => join.perSecond > 0),
      'shardedFanOut: joins timed',
    );
    expect(result.cpuMsPerDelivery > 0, 'shardedFanOut: CPU per delivery measured');
    return problems;
  },

  budgets: [
    {
      id: 'sharded-ack-flat',
      what: 'sharded fan-out: send to ack, largest room over the smallest (median, workers stopped)',
      limit: '<= 1.2',
      value: (result) => {
        const [small, large] = [first(result), largest(result)];
        return small === undefined || large === undefined ? undefined : large.ackMedianMs / small.ackMedianMs;
      },
      isMet: (value) => value <= 1.2,
    },
    {
      id: 'sharded-per-invocation',
      what: 'sharded fan-out: most deliveries one invocation made, over its bound (deliveriesPerJob in whole pages), whatever N',
      limit: '<= 1',
      value: (result) =>
        Math.max(...result.rows.map((measured) => measured.sharded.maxDeliveriesPerInvocation)) /
        perInvocationBound(result),
      isMet: (value) => value <= 1,
    },
  ],

  rows(result) {
    const rows = result.rows.map((measured) =>
      row({
        bench: '7 sharded fan-out',
        measure: `${wholeNumber(measured.members)} members, ${result.latencyMs} ms/call, ${result.workers.chosen} workers: send to last delivery (ack)`,
        ours: `${duration(measured.sharded.lastDeliveryMs)} (ack ${duration(measured.ackMedianMs)})`,
        baseline: `inline ${inlineOutcome(measured)}`,
        floor: duration(measured.floorMs),
        vsBaseline: measured.inline.complete
          ? times(measured.sharded.lastDeliveryMs / measured.inline.lastDeliveryMs)
          : '-',
        vsFloor: times(measured.ratioToFloor),
      }),
    );
    return rows;
  },

  section(result) {
    const small = first(result);
    const large = largest(result);
    const largestJoin = result.joins.at(-1);
    const projections = [100_000, 1_000_000].flatMap((members) =>
      [mappingConcurrency, AWS_FACTS.maxConcurrencyCap].map((ceiling) => ({
        ceiling,
        projection: projectOnAws(members, assumptions(result, ceiling)),
      })),
    );
    // The hottest key's share of the writes in its busiest second, scaled to 833 joins a second at the
    // writes per join measured: the per-key load a real 100,000-member join in two minutes would put there.
    const { hottestWrites, hottestWriteUnits, writesInHottestSecond, writes } = result.joinLoad;
    const writesPerJoin = largestJoin === undefined ? NaN : writes / largestJoin.members;
    const projectedWrites =
      hottestWrites === undefined || writesInHottestSecond === 0
        ? undefined
        : (hottestWrites.items / writesInHottestSecond) * writesPerJoin * AWS_FACTS.realJoinsPerSecond;
    const unitsPerItem =
      hottestWriteUnits?.units === undefined ? undefined : hottestWriteUnits.units / hottestWriteUnits.items;
    return {
      latencyMs: String(result.latencyMs),
      concurrency: String(result.concurrency),
      pageSize: String(result.pageSize),
      deliveriesPerJob: wholeNumber(result.deliveriesPerJob),
      membersPerBucket: wholeNumber(result.membersPerBucket),
      quota: wholeNumber(result.accountLimit.perSecond),
      burst: wholeNumber(result.accountLimit.burst),
      inlineTimeout: duration(result.inlineTimeoutMs),
      workers: String(result.workers.chosen),
      workersTried: result.workers.tried.map((entry) => `${entry.workers}: ${duration(entry.ms)}`).join(', '),
      durationS: String(result.durationS),
      ranAt: result.ranAt,
      loadAtStart: decimal(result.loadAtStart, 2),
      table: markdownTable(
        [
          'Members',
          'Buckets',
          'Ack (median)',
          'Sharded: last delivery',
          'Floor (×)',
          'Most per invocation',
          'Inline: last delivery',
        ],
        result.rows.map((measured) => [
          wholeNumber(measured.members),
          String(measured.shape.buckets),
          duration(measured.ackMedianMs),
          duration(measured.sharded.lastDeliveryMs),
          `${duration(measured.floorMs)} (${times(measured.ratioToFloor)})`,
          wholeNumber(measured.sharded.maxDeliveriesPerInvocation),
          inlineOutcome(measured),
        ]),
      ),
      crossoverTable: markdownTable(
        [
          'Members',
          'Buckets',
          'Inline: last delivery',
          'Sharded: last delivery',
          'Sharded / inline',
          'Sharded ack',
        ],
        result.crossover.map((measured) => [
          wholeNumber(measured.members),
          String(measured.buckets),
          duration(measured.inline.lastDeliveryMs),
          duration(measured.sharded.lastDeliveryMs),
          times(measured.sharded.lastDeliveryMs / measured.inline.lastDeliveryMs),
          duration(measured.sharded.ackMs),
        ]),
      ),
      thresholdArgument: crossoverSummary(result),
      inlineWinsUpTo:
        result.inlineWinsUpTo === undefined
          ? 'none of the sizes measured'
          : `${wholeNumber(result.inlineWinsUpTo)} members`,
      calibrationSize: wholeNumber(result.calibrationSize),
      policyInlineMax: wholeNumber(DEFAULT_CHAT_POLICY.fanOutInlineMax),
      smallMembers: small === undefined ? undefined : wholeNumber(small.members),
      largeMembers: large === undefined ? undefined : wholeNumber(large.members),
      ackRatio:
        small === undefined || large === undefined ? undefined : times(large.ackMedianMs / small.ackMedianMs),
      smallAck: small === undefined ? undefined : duration(small.ackMedianMs),
      largeAck: large === undefined ? undefined : duration(large.ackMedianMs),
      largeAckUnderLoad: large === undefined ? undefined : duration(large.sharded.ackMs),
      largeInvocations: large === undefined ? undefined : wholeNumber(large.sharded.invocations),
      largeBuckets: large === undefined ? undefined : wholeNumber(large.shape.buckets),
      maxPerInvocation: wholeNumber(
        Math.max(0, ...result.rows.map((measured) => measured.sharded.maxDeliveriesPerInvocation)),
      ),
      perInvocationBound: wholeNumber(perInvocationBound(result)),
      largeRatio: large === undefined ? undefined : times(large.ratioToFloor),
      largeInline: large === undefined ? undefined : inlineOutcome(large),
      cpuPerDelivery: decimal(result.cpuMsPerDelivery, 3),
      roundTripMedian: decimal(result.roundTrip.medianMs, 1),
      roundTripP95: decimal(result.roundTrip.p95Ms, 1),
      joinRates: result.joins
        .map((join) => `${wholeNumber(join.members)}: ${wholeNumber(join.perSecond)}/s`)
        .join(', '),
      largestJoinRate: largestJoin === undefined ? '-' : wholeNumber(largestJoin.perSecond),
      joinWrites: keyLoad(result.joinLoad.hottestWrites, 'WCU'),
      joinWriteUnits: keyLoad(result.joinLoad.hottestWriteUnits, 'WCU'),
      joinReads: keyLoad(result.joinLoad.hottestReads, 'RCU'),
      sendReads: keyLoad(result.sendLoad.hottestReads, 'RCU'),
      sendReadUnits: keyLoad(result.sendLoad.hottestReadUnits, 'RCU'),
      sendWrites: keyLoad(result.sendLoad.hottestWrites, 'WCU'),
      projectedJoinWrites: projectedWrites === undefined ? '-' : wholeNumber(projectedWrites),
      writesPerJoin: decimal(writesPerJoin, 2),
      millionJobs: wholeNumber(bucketsFor(1_000_000, result.membersPerBucket)),
      projectedJoinUnits:
        projectedWrites === undefined || unitsPerItem === undefined
          ? '-'
          : wholeNumber(projectedWrites * unitsPerItem),
      realJoins: wholeNumber(AWS_FACTS.realJoinsPerSecond),
      mappingConcurrency: String(mappingConcurrency),
      projectionTable: markdownTable(
        [
          'Members',
          'Jobs',
          'maximum_concurrency',
          'Per invocation',
          'Invocations for the quota',
          'Last delivery',
          'Bound by',
        ],
        projections.map(({ ceiling, projection }) => [
          wholeNumber(projection.members),
          wholeNumber(projection.jobs),
          wholeNumber(ceiling),
          `${wholeNumber(projection.perInvocationPerSecond)}/s`,
          String(projection.invocationsForQuota),
          duration(projection.ms),
          projection.limitedBy,
        ]),
      ),
    };
  },

  comparable: (before, now) => before.latencyMs === now.latencyMs && before.concurrency === now.concurrency,
  comparisons(now) {
    const large = largest(now);
    if (large === undefined) return [];
    const label = `sharded fan-out, ${wholeNumber(large.members)} members`;
    const same = (result: ShardedFanOutResult) =>
      result.rows.find((measured) => measured.members === large.members);
    return [
      {
        measure: `${label}: time over the floor`,
        value: (result: ShardedFanOutResult) => same(result)?.ratioToFloor,
        format: times,
      },
      {
        measure: `${label}: send to ack`,
        value: (result: ShardedFanOutResult) => same(result)?.ackMedianMs,
        format: duration,
      },
    ];
  },
};
