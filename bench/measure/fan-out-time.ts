// Benchmark 2, fan-out time: one event to N live WebSocket clients through an @connections API that
// answers every call after an injected latency (the emulator's faults.latencyMs). Ours is PagedFanOut
// with the ManagementApiNotifier over the real SDK client; the baseline is the classic Promise.all over
// every connection with the SDK's default client; sequential delivery is timed on a sample and scaled.
// Time runs from the sender's start to the last frame received by the clients.

import type { Log } from '../lib/log.js';
import type { PeakDelta } from '../lib/memory.js';
import { runSender } from '../lib/sender-client.js';
import type { FanOutStrategy, SenderReply } from '../lib/sender.js';
import { ratio } from '../lib/stats.js';
import type { Swarm } from '../lib/swarm-client.js';

export interface FanOutTimeConfig {
  readonly sizes: readonly number[];
  readonly latencyMs: number;
  readonly concurrency: number;
  readonly pageSize: number;
  readonly sequentialSample: number;
}

export interface StrategyTiming {
  /** Deliveries in flight the strategy ends up with. */
  readonly concurrency: number;
  /** Recipients actually timed (a sample for sequential delivery). */
  readonly timed: number;
  readonly received: number;
  /** Send to last delivery, scaled to N when only a sample was timed. */
  readonly ms: number;
  /** ceil(N / concurrency) x latency. */
  readonly idealMs: number;
  readonly ratioToIdeal: number;
  readonly memory: PeakDelta;
  /** CPU the sender spent, per 1,000 deliveries. */
  readonly cpuMsPer1000: number;
}

export interface FanOutTimeRow {
  readonly members: number;
  readonly ours: StrategyTiming;
  readonly promiseAll: StrategyTiming;
  readonly sequential: StrategyTiming;
  /** Ours with the Powertools Tracer module loaded, as in a function with SDK_TRACING=on (largest room only). */
  readonly oursWithTracer?: StrategyTiming;
}

export interface FanOutTimeResult {
  readonly latencyMs: number;
  readonly concurrency: number;
  readonly pageSize: number;
  /** The SDK's default socket pool per client, which caps an "unbounded" Promise.all in practice. */
  readonly sdkDefaultMaxSockets: number;
  readonly sequentialSample: number;
  readonly rows: readonly FanOutTimeRow[];
}

/** @smithy/node-http-handler's default maxSockets when a client is built without a request handler. */
export const SDK_DEFAULT_MAX_SOCKETS = 50;

export interface FanOutTarget {
  readonly endpoint: string;
  /** Live connections, at least as many as the largest size. */
  readonly connectionIds: readonly string[];
  readonly swarm: Swarm;
}

async function timeOne(
  target: FanOutTarget,
  strategy: FanOutStrategy,
  ids: readonly string[],
  config: FanOutTimeConfig,
  loadTracer: boolean,
): Promise<{ reply: SenderReply; received: number; lastAt: number }> {
  const round = `${strategy}-${ids.length}-${Date.now().toString(36)}`;
  const expectedMs = ids.length * config.latencyMs + 30_000;
  // Start counting before the sender starts, so no frame can arrive unseen.
  const seen = target.swarm.expect(round, ids.length, expectedMs);
  const reply = await runSender(
    {
      op: 'fan-out',
      strategy,
      endpoint: target.endpoint,
      connectionIds: ids,
      concurrency: config.concurrency,
      pageSize: config.pageSize,
      round,
      loadTracer,
    },
    expectedMs + 30_000,
  );
  const { received, lastAt } = await seen;
  if (received !== ids.length) throw new Error(`${strategy}: ${received} of ${ids.length} frames arrived`);
  return { reply, received, lastAt };
}

export async function runFanOutTime(target: FanOutTarget, config: FanOutTimeConfig, log: Log) {
  const rows: FanOutTimeRow[] = [];
  const ideal = (n: number, width: number) => Math.ceil(n / width) * config.latencyMs;
  for (const members of config.sizes) {
    const ids = target.connectionIds.slice(0, members);
    if (ids.length !== members) throw new Error(`only ${ids.length} connections for a room of ${members}`);
    const timing = async (
      strategy: FanOutStrategy,
      width: number,
      loadTracer = false,
    ): Promise<StrategyTiming> => {
      const timed = strategy === 'sequential' ? ids.slice(0, config.sequentialSample) : ids;
      const { reply, received, lastAt } = await timeOne(target, strategy, timed, config, loadTracer);
      const ms = ((lastAt - reply.startedAt) * members) / timed.length;
      const idealMs = ideal(members, width);
      const label = loadTracer ? `${strategy} (tracer loaded)` : strategy;
      log(`fan-out time: ${label} to ${members}: ${ms.toFixed(0)} ms (ideal ${idealMs} ms)`);
      return {
        concurrency: width,
        timed: timed.length,
        received,
        ms,
        idealMs,
        ratioToIdeal: ratio(ms, idealMs),
        memory: reply.memory,
        cpuMsPer1000: (reply.cpuMs * 1_000) / timed.length,
      };
    };
    const largest = members === Math.max(...config.sizes);
    rows.push({
      members,
      ours: await timing('paged', config.concurrency),
      promiseAll: await timing('promise-all', Math.min(members, SDK_DEFAULT_MAX_SOCKETS)),
      sequential: await timing('sequential', 1),
      ...(largest ? { oursWithTracer: await timing('paged', config.concurrency, true) } : {}),
    });
  }
  return {
    latencyMs: config.latencyMs,
    concurrency: config.concurrency,
    pageSize: config.pageSize,
    sdkDefaultMaxSockets: SDK_DEFAULT_MAX_SOCKETS,
    sequentialSample: config.sequentialSample,
    rows,
  } satisfies FanOutTimeResult;
}
