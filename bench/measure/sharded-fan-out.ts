// Benchmark 7, sharded fan-out: one message to rooms of N members stored in DynamoDB Local, every member
// a sink connection on the emulator (in a helper process; 20 ms per @connections call; the account
// limit on). Sharded: `createChat` with the SQS queue hands the room to workers (`startQueuePoller`
// running `chat.deliverShard`); inline: the same message through PagedFanOut alone, as the message
// function would fan it out, stopped at that function's timeout. See bench/lib/fan-out-rig.ts.

import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { loadavg } from 'node:os';
import { chatPolicy, type ChatPolicy, type RoomShape } from '../../src/domain/index.js';
import type { AccountRateLimit } from '../../src/local/emulator/websocket-gateway.js';
import { FanOutRig, type Workers } from '../lib/fan-out-rig.js';
import type { Log } from '../lib/log.js';
import type { PartitionLoad } from '../lib/partition-meter.js';
import { sleep } from '../lib/clock.js';
import { joinRoom, type JoinRate } from '../lib/room-join.js';
import type { SinkReport } from '../lib/server-host.js';

export interface ShardedFanOutConfig {
  /** Room sizes measured both ways, with the ack, the floor and the per-invocation bound. */
  readonly sizes: readonly number[];
  /** Room sizes for the inline/sharded crossover. */
  readonly crossoverSizes: readonly number[];
  readonly latencyMs: number;
  readonly accountLimit: AccountRateLimit;
  /** Worker pollers (W) for every sharded round: picked from the cores (see the benchmark module). */
  readonly workers: number;
  /** Worker counts also tried on the calibration room, to show what W costs or saves on this machine. */
  readonly workerChoices: readonly number[];
  readonly calibrationSize: number;
  readonly joinConcurrency: number;
  /** Sends timed for the ack alone, workers stopped, per size. */
  readonly ackSamples: number;
  /** The message function's timeout: where an inline fan-out stops. */
  readonly inlineTimeoutMs: number;
  readonly policy: Pick<
    ChatPolicy,
    'fanOutConcurrency' | 'membersPageSize' | 'deliveriesPerJob' | 'membersPerBucket' | 'roomShapeCacheMs'
  >;
}

export interface Round {
  /** Send to the sender's ack, in this round. */
  readonly ackMs: number;
  /** Send to the last delivery the sinks counted (up to the stop, for an inline fan-out that stopped). */
  readonly lastDeliveryMs: number;
  /** Sinks that got at least one post (the sender's ack counts for the sender). */
  readonly reached: number;
  readonly total: number;
  /** Every member got the message. */
  readonly complete: boolean;
  readonly throttledCalls: number;
}

export interface ShardedRound extends Round {
  readonly invocations: number;
  readonly maxDeliveriesPerInvocation: number;
  readonly failedJobs: number;
}

export interface SizeRow {
  readonly members: number;
  readonly shape: RoomShape;
  /** Median send-to-ack over `ackSamples` sends with the workers stopped (the queue drained after). */
  readonly ackMedianMs: number;
  readonly sharded: ShardedRound;
  readonly inline: Round;
  /** max(N / Q, ceil(N / (W x C)) x latency). */
  readonly floorMs: number;
  readonly ratioToFloor: number;
}

export interface CrossoverRow {
  readonly members: number;
  readonly buckets: number;
  readonly inline: Round;
  readonly sharded: ShardedRound;
}

export interface ShardedFanOutResult {
  readonly latencyMs: number;
  readonly accountLimit: AccountRateLimit;
  readonly concurrency: number;
  readonly pageSize: number;
  readonly deliveriesPerJob: number;
  readonly membersPerBucket: number;
  readonly inlineTimeoutMs: number;
  /** The room size the worker counts were tried on. */
  readonly calibrationSize: number;
  readonly workers: { readonly chosen: number; readonly tried: readonly { workers: number; ms: number }[] };
  readonly joins: readonly JoinRate[];
  /** Per-key load during the largest room's join and during its sharded send. */
  readonly joinLoad: PartitionLoad;
  readonly sendLoad: PartitionLoad;
  /** CPU of this process (sender, workers, SQS server) per delivery in the largest sharded round. */
  readonly cpuMsPerDelivery: number;
  /** How long each @connections call took as the workers saw it, largest sharded round. */
  readonly roundTrip: { readonly medianMs: number; readonly p95Ms: number };
  readonly rows: readonly SizeRow[];
  readonly crossover: readonly CrossoverRow[];
  /** The largest crossover size at which inline delivered no later than sharded; undefined if none. */
  readonly inlineWinsUpTo: number | undefined;
  readonly durationS: number;
  /** When it ran, and the 1-minute load average then: a merged result carries its own. */
  readonly ranAt: string;
  readonly loadAtStart: number;
}

/** The one room, grown through every size. */
const ROOM = 'bench-room';

export async function runShardedFanOut(config: ShardedFanOutConfig, log: Log): Promise<ShardedFanOutResult> {
  const startedAt = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const policy = chatPolicy(config.policy);
  // The sharded strategy at every size: no room is small enough to stay inline.
  const shardAll = chatPolicy({ ...config.policy, fanOutInlineMax: 1 });
  const rig = await FanOutRig.start(policy);
  try {
    const largest = Math.max(...config.sizes, ...config.crossoverSizes);
    await rig.host.setLatency(config.latencyMs);
    await rig.host.limitAccountRate(config.accountLimit);
    const sinks = await rig.host.addSinks(largest);
    log(`sharded fan-out: ${sinks.length} sinks on the emulator`);
    // One room, grown from milestone to milestone: each size is measured as the room reaches it, so the
    // 100,000 joins are made once and the per-key load is that of one room growing to 100,000.
    const milestones = [...new Set([...config.crossoverSizes, ...config.sizes, config.calibrationSize])].sort(
      (a, b) => a - b,
    );
    const memberships = rig.memberships();
    const sender = sinks[0] as string;
    const rounds = new Rounds(rig, sender, config, shardAll);
    const joins: JoinRate[] = [];
    const tried: { workers: number; ms: number }[] = [];
    const crossover: CrossoverRow[] = [];
    const rows: SizeRow[] = [];
    const chosen = config.workers;
    let joinedMs = 0;
    let cpuMsPerDelivery = NaN;
    let roundTrip = { medianMs: NaN, p95Ms: NaN };
    let sendLoad = rig.sendMeter.load();
    for (const [index, members] of milestones.entries()) {
      const from = milestones[index - 1] ?? 0;
      rig.joinMeter.recording = true;
      const segment = await joinRoom(
        memberships,
        ROOM,
        sinks.slice(from, members),
        config.joinConcurrency,
        from,
      );
      rig.joinMeter.recording = false;
      joinedMs += segment.ms;
      joins.push({ members, ms: joinedMs, perSecond: (members * 1_000) / Math.max(1, joinedMs) });
      log(
        `sharded fan-out: ${members} members joined (${segment.perSecond.toFixed(0)}/s for the last ${members - from})`,
      );

      if (members === config.calibrationSize) {
        for (const count of config.workerChoices) {
          const round = await rounds.withWorkers(count, (workers) => rounds.sharded(workers, members));
          tried.push({ workers: count, ms: round.lastDeliveryMs });
          log(`sharded fan-out: ${count} workers, ${members} members: ${round.lastDeliveryMs} ms`);
        }
      }

      if (config.crossoverSizes.includes(members)) {
        const inline = await rounds.inline(members);
        const sharded = await rounds.withWorkers(chosen, (workers) => rounds.sharded(workers, members));
        const { buckets } = await rig.memberships().roomShape(ROOM);
        crossover.push({ members, buckets, inline, sharded });
        log(
          `sharded fan-out: crossover ${members}: inline ${inline.lastDeliveryMs} ms, sharded ${sharded.lastDeliveryMs} ms`,
        );
      }

      if (config.sizes.includes(members)) {
        const isLargest = members === Math.max(...config.sizes);
        const shape = await rig.memberships().roomShape(ROOM);
        const ackMedianMs = await rounds.ackOnly(members);
        rig.sendMeter.reset();
        rig.sendMeter.recording = isLargest;
        rig.takeDurations();
        const cpuBefore = process.cpuUsage();
        const sharded = await rounds.withWorkers(chosen, (workers) => rounds.sharded(workers, members));
        const cpu = process.cpuUsage(cpuBefore);
        rig.sendMeter.recording = false;
        if (isLargest) {
          sendLoad = rig.sendMeter.load();
          cpuMsPerDelivery = (cpu.user + cpu.system) / 1_000 / Math.max(1, sharded.total);
          roundTrip = percentiles(rig.takeDurations());
        }
        const inline = await rounds.inline(members);
        const floorMs = Math.max(
          (members / config.accountLimit.perSecond) * 1_000,
          Math.ceil(members / (chosen * policy.fanOutConcurrency)) * config.latencyMs,
        );
        rows.push({
          members,
          shape,
          ackMedianMs,
          sharded,
          inline,
          floorMs,
          ratioToFloor: sharded.lastDeliveryMs / floorMs,
        });
        log(
          `sharded fan-out: ${members} members: ack ${ackMedianMs.toFixed(1)} ms, last delivery ${sharded.lastDeliveryMs} ms (floor ${floorMs} ms), inline ${inline.complete ? `${inline.lastDeliveryMs} ms` : `stopped at ${inline.reached}`}`,
        );
      }
    }
    const joinLoad = rig.joinMeter.load();
    const inlineWinsUpTo = crossover
      .filter((row) => row.inline.complete && row.inline.lastDeliveryMs <= row.sharded.lastDeliveryMs)
      .map((row) => row.members)
      .at(-1);
    return {
      latencyMs: config.latencyMs,
      accountLimit: config.accountLimit,
      concurrency: policy.fanOutConcurrency,
      pageSize: policy.membersPageSize,
      deliveriesPerJob: policy.deliveriesPerJob,
      membersPerBucket: policy.membersPerBucket,
      inlineTimeoutMs: config.inlineTimeoutMs,
      calibrationSize: config.calibrationSize,
      workers: { chosen, tried },
      joins,
      joinLoad,
      sendLoad,
      cpuMsPerDelivery,
      roundTrip,
      rows,
      crossover,
      inlineWinsUpTo,
      durationS: Math.round((Date.now() - startedAt) / 1_000),
      ranAt: new Date(startedAt).toISOString(),
      loadAtStart,
    };
  } finally {
    await rig.stop();
  }
}

/** One send and its deliveries, either way, to the room of a given size. */
class Rounds {
  private senderContainer: ReturnType<FanOutRig['container']> | undefined;

  constructor(
    private readonly rig: FanOutRig,
    private readonly sender: string,
    private readonly config: ShardedFanOutConfig,
    private readonly shardAll: ChatPolicy,
  ) {}

  async withWorkers<T>(count: number, run: (workers: Workers) => Promise<T>): Promise<T> {
    const workers = this.rig.startWorkers(count);
    try {
      return await run(workers);
    } finally {
      await workers.stop();
    }
  }

  async sharded(workers: Workers, members: number): Promise<ShardedRound> {
    const before = workers.invocations.length;
    const failedBefore = workers.failedJobs;
    const { ackMs, startedAt } = await this.send(members, true);
    const idealMs = Math.ceil(members / this.config.policy.fanOutConcurrency) * this.config.latencyMs;
    const report = await this.awaitDelivered(members, startedAt + Math.max(60_000, idealMs * 3));
    await workers.idle();
    const invocations = workers.invocations.slice(before);
    return {
      ...this.round(members, ackMs, startedAt, report),
      invocations: invocations.length,
      maxDeliveriesPerInvocation: Math.max(0, ...invocations),
      failedJobs: workers.failedJobs - failedBefore,
    };
  }

  async inline(members: number): Promise<Round> {
    const { ackMs, startedAt } = await this.send(members, false);
    return this.round(members, ackMs, startedAt, await this.rig.host.sinkDeliveries());
  }

  /** Median send-to-ack with no worker running; the jobs are then taken off the queue undelivered. */
  async ackOnly(members: number): Promise<number> {
    const samples: number[] = [];
    for (let i = 0; i < this.config.ackSamples; i += 1) samples.push((await this.send(members, true)).ackMs);
    await this.drainQueue();
    await this.rig.host.sinkDeliveries(true);
    return percentiles(samples).medianMs;
  }

  private async send(members: number, sharded: boolean): Promise<{ ackMs: number; startedAt: number }> {
    await this.rig.host.sinkDeliveries(true);
    // One warm sending function: its client and sockets outlive each send, as in a warm Lambda.
    this.senderContainer ??= this.rig.container();
    const container = this.senderContainer;
    let ackedAt = NaN;
    const chat = this.rig.chat({
      queue: sharded,
      notifier: container.notifier,
      policy: this.shardAll,
      onAcked: () => {
        ackedAt = performance.now();
      },
    });
    const startedAt = Date.now();
    const start = performance.now();
    container.notifier.deadline = sharded ? undefined : startedAt + this.config.inlineTimeoutMs;
    await chat.sendMessage.execute(
      { connectionId: this.sender, identity: { userId: 'u0', displayName: 'u0' }, connectedAt: startedAt },
      { action: 'sendMessage', room: ROOM, text: `to ${members}` },
    );
    return { ackMs: ackedAt - start, startedAt };
  }

  /** Waits until every member got a post and the sender its ack and message, or until `deadline`. */
  private async awaitDelivered(members: number, deadline: number): Promise<SinkReport> {
    for (;;) {
      const report = await this.rig.host.sinkDeliveries();
      if ((report.reached >= members && report.total > members) || Date.now() > deadline) return report;
      await sleep(25);
    }
  }

  private round(members: number, ackMs: number, startedAt: number, report: SinkReport): Round {
    return {
      ackMs,
      lastDeliveryMs: report.lastDeliveryAt === undefined ? NaN : report.lastDeliveryAt - startedAt,
      reached: report.reached,
      total: report.total,
      complete: report.reached >= members && report.total > members,
      throttledCalls: report.throttledCalls,
    };
  }

  private async drainQueue(): Promise<void> {
    const { client, queueUrl } = this.rig.sqs;
    for (;;) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return;
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle as string,
          })),
        }),
      );
    }
  }
}

function percentiles(values: readonly number[]): { medianMs: number; p95Ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}
