// Benchmark 3, end-to-end latency: clients in one room send messages at a steady rate through the full
// local stack (emulator, real handlers in-process, DynamoDB Local), and every delivery's send-to-receive
// time is recorded; the floor is a bare `ws` server doing the same fan-out. The same run measures what
// one message costs: DynamoDB requests and capacity units, and API Gateway's billable messages.

import { PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { appContainer } from '../../src/handlers/composition-root.js';
import { TOKENS } from '../../src/handlers/tokens.js';
import type { DevStack } from '../../src/local/dev-stack.js';
import { startBareServer, type FloorMessage } from '../lib/bare-server.js';
import { startConnectionsFloor } from '../lib/connections-floor.js';
import { CallRecorder, type CriticalPath } from '../lib/critical-path.js';
import { sleep } from '../lib/clock.js';
import { DynamoMeter } from '../lib/dynamo-meter.js';
import type { HandlerTimes } from '../lib/handler-times.js';
import type { Log } from '../lib/log.js';
import { median, percentile, ratio } from '../lib/stats.js';
import type { E2eReply } from '../lib/swarm.js';
import { Swarm } from '../lib/swarm-client.js';

export interface EndToEndConfig {
  readonly clients: number;
  readonly messages: number;
  readonly ratePerSecond: number;
  readonly warmup: number;
  /** Messages the floor runs, at the same rate: its percentiles settle long before ours. */
  readonly floorMessages: number;
}

export type LatencySummary = E2eReply;

export interface PerMessageCost {
  readonly dynamoRequests: number;
  readonly dynamoByCommand: Readonly<Record<string, number>>;
  readonly readUnits: number | null;
  readonly writeUnits: number | null;
  /** API Gateway's metered messages (32 KB units), in and out. */
  readonly billableMessages: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** The sendMessage handler's own duration on this machine (no injected latency). */
  readonly handlerMsMedian: number;
  readonly handlerMsP95: number;
}

/** Round trips a member waits for before its delivery starts, over the measured messages. */
export interface CriticalPathSummary {
  readonly messages: number;
  readonly median: number;
  readonly max: number;
  /** The most frequent chain, for the record: which requests follow one another. */
  readonly chain: readonly string[];
  /** Median time inside the chain's requests, and from a message's first request to its first delivery. */
  readonly chainMsMedian?: number;
  readonly spanMsMedian?: number;
  /** For the most frequent chain: the median time inside each of its requests, in order. */
  readonly linkMsMedians?: readonly number[];
  /** Median count of requests made at once in the first round trip. */
  readonly firstStageWidthMedian?: number;
}

export interface EndToEndResult {
  readonly clients: number;
  readonly messages: number;
  readonly ratePerSecond: number;
  readonly warmup: number;
  readonly floorMessages: number;
  readonly ours: LatencySummary;
  readonly floor: LatencySummary;
  /** The floor that also stores each message with one PutItem on the same DynamoDB Local. */
  readonly durableFloor: LatencySummary;
  /**
   * The durable floor's work delivered as ours is: a function on the emulator posting through the same
   * @connections client (absent in runs before it was measured).
   */
  readonly connectionsFloor?: LatencySummary;
  /** Ours / the @connections floor at each percentile, and at the first delivery's p50. */
  readonly connectionsRatios?: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly firstDeliveryP50: number;
  };
  /** Ours / floor at each percentile. */
  readonly ratios: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Ours / durable floor at each percentile. */
  readonly durableRatios: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Ours / durable floor for each message's first delivery (absent in runs before it was measured). */
  readonly firstDeliveryRatios?: { readonly p50: number; readonly p99: number };
  /**
   * The least `firstDeliveryRatios.p50` could be with our critical path's depth, if each of its requests
   * cost what the durable floor's one PutItem adds to the bare floor and nothing else cost anything more.
   */
  readonly firstDeliveryLeastRatio?: number;
  readonly criticalPath: CriticalPathSummary;
  readonly perMessage: PerMessageCost;
}

async function crowdRun(
  open: (swarm: Swarm) => Promise<void>,
  config: EndToEndConfig,
  messages: number,
  beforeMeasured: () => void,
): Promise<LatencySummary> {
  const swarm = new Swarm();
  try {
    await open(swarm);
    // Joins announce themselves to the room; let those fan-outs finish first.
    await sleep(500);
    await swarm.endToEnd({ firstIndex: 0, messages: config.warmup, ratePerSecond: config.ratePerSecond });
    beforeMeasured();
    return await swarm.endToEnd({ firstIndex: config.warmup, messages, ratePerSecond: config.ratePerSecond });
  } finally {
    await swarm.close();
  }
}

export async function runEndToEnd(
  stack: DevStack,
  handlerTimes: HandlerTimes,
  config: EndToEndConfig,
  log: Log,
): Promise<EndToEndResult> {
  // The handlers' own DynamoDB client (the container is the one the in-process handlers use).
  const meter = new DynamoMeter();
  const documentClient = appContainer().get(TOKENS.documentClient);
  meter.attach(documentClient);
  const calls = new CallRecorder();
  calls.attachDynamo(documentClient);
  calls.attachConnections(appContainer().get(TOKENS.clientPool).clientFor(stack.managementEndpoint));
  let before = stack.gateway.stats();

  log(
    `end to end: ${config.clients} clients, ${config.messages} messages at ${config.ratePerSecond}/s, ours`,
  );
  const ours = await crowdRun(
    async (swarm) => {
      const urls = Array.from(
        { length: config.clients },
        (_, i) => `${stack.wsUrl}?token=${stack.tokenFor(`bench-${i}`, `Bench ${i}`)}`,
      );
      // One at a time: a $connect announces the newcomer to the lobby, and a post to a connection whose
      // own $connect is still running is answered 410, which makes the fan-out purge it as gone.
      await swarm.open({ urls }, 1);
    },
    config,
    config.messages,
    () => {
      meter.reset();
      calls.reset();
      handlerTimes.reset();
      before = stack.gateway.stats();
    },
  );
  const after = stack.gateway.stats();
  const used = meter.snapshot();
  meter.enabled = false;
  // Messages are 1 / rate apart, far longer than one takes to reach its first member.
  const paths = calls.paths(Math.min(50, 250 / config.ratePerSecond));
  calls.enabled = false;
  const times = handlerTimes.all();
  await stack.gateway.settled();

  log(`end to end: the same against the bare ws server (floor)`);
  const floor = await floorRun(config, startBareServer());
  log(`end to end: the same against the bare ws server storing each message (durable floor)`);
  const table = DynamoDBDocumentClient.from(stack.dynamo.client);
  const store = async (message: FloorMessage): Promise<void> => {
    await table.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: { pk: 'BENCH#floor', sk: `MSG#${String(message.seq).padStart(12, '0')}`, ...message },
      }),
    );
  };
  const durableFloor = await floorRun(config, startBareServer({ store }));
  log(`end to end: the same through the emulator and the @connections client (@connections floor)`);
  const connectionsFloor = await floorRun(
    config,
    // As many posts at a time as the handlers' fan-out runs with.
    startConnectionsFloor({ store, concurrency: appContainer().get(TOKENS.config).policy.fanOutConcurrency }),
  );

  const per = (n: number) => n / config.messages;
  const criticalPath = summarize(paths);
  return {
    ...config,
    ours,
    floor,
    durableFloor,
    ratios: ratiosOf(ours, floor),
    durableRatios: ratiosOf(ours, durableFloor),
    connectionsFloor,
    connectionsRatios: {
      ...ratiosOf(ours, connectionsFloor),
      firstDeliveryP50: ratio(ours.firstDelivery.p50, connectionsFloor.firstDelivery.p50),
    },
    firstDeliveryLeastRatio: leastRatio(floor, durableFloor, criticalPath.median),
    firstDeliveryRatios: {
      p50: ratio(ours.firstDelivery.p50, durableFloor.firstDelivery.p50),
      p99: ratio(ours.firstDelivery.p99, durableFloor.firstDelivery.p99),
    },
    criticalPath,
    perMessage: {
      dynamoRequests: per(used.requests),
      dynamoByCommand: Object.fromEntries(Object.entries(used.byCommand).map(([c, n]) => [c, per(n)])),
      readUnits: used.readUnits === undefined ? null : per(used.readUnits),
      writeUnits: used.writeUnits === undefined ? null : per(used.writeUnits),
      billableMessages: per(after.billableMessages - before.billableMessages),
      messagesIn: per(after.messagesIn - before.messagesIn),
      messagesOut: per(after.messagesOut - before.messagesOut),
      handlerMsMedian: median(times),
      handlerMsP95: percentile(times, 95),
    },
  };
}

/** Runs the crowd against a floor at the floor's message count, and stops the floor. */
async function floorRun(
  config: EndToEndConfig,
  started: Promise<{ url: string; stop(): Promise<void> }>,
): Promise<LatencySummary> {
  const floor = await started;
  try {
    return await crowdRun(
      async (swarm) => {
        await swarm.open({ url: floor.url, count: config.clients });
      },
      config,
      config.floorMessages,
      () => undefined,
    );
  } finally {
    await floor.stop();
  }
}

/** (bare floor + depth x what one PutItem adds) / durable floor, at the first deliveries' p50. */
function leastRatio(floor: LatencySummary, durableFloor: LatencySummary, depth: number): number {
  const bare = floor.firstDelivery.p50;
  const durable = durableFloor.firstDelivery.p50;
  return ratio(bare + depth * Math.max(0, durable - bare), durable);
}

function ratiosOf(ours: LatencySummary, floor: LatencySummary) {
  return {
    p50: ratio(ours.p50, floor.p50),
    p95: ratio(ours.p95, floor.p95),
    p99: ratio(ours.p99, floor.p99),
  };
}

function summarize(paths: readonly CriticalPath[]): CriticalPathSummary {
  const depths = paths.map((path) => path.depth);
  const counts = new Map<string, { chain: readonly string[]; count: number }>();
  for (const path of paths) {
    const key = path.chain.join(' > ');
    const seen = counts.get(key) ?? { chain: path.chain, count: 0 };
    seen.count += 1;
    counts.set(key, seen);
  }
  const common = [...counts.values()].sort((a, b) => b.count - a.count)[0];
  return {
    messages: paths.length,
    median: median(depths),
    max: depths.length === 0 ? Number.NaN : Math.max(...depths),
    chain: common?.chain ?? [],
    chainMsMedian: median(paths.map((path) => path.chainMs)),
    linkMsMedians: (common?.chain ?? []).map((_, at) =>
      median(
        paths
          .filter((path) => path.chain.join(' > ') === common?.chain.join(' > '))
          .map((path) => path.linksMs[at] ?? Number.NaN),
      ),
    ),
    firstStageWidthMedian: median(paths.map((path) => path.firstStageWidth)),
    spanMsMedian: median(paths.map((path) => path.spanMs)),
  };
}
