// Benchmark 5, emulator capacity: memory the API Gateway emulator holds per idle connection, and how
// many @connections posts a second it relays to clients, against the bare `ws` server floor doing the
// same with no service logic. Server, clients and sender each run in their own process, so the server's
// memory is its own.

import type { IdleMemory } from '../lib/idle-memory.js';
import type { Log } from '../lib/log.js';
import { runSender } from '../lib/sender-client.js';
import { ratio } from '../lib/stats.js';
import type { Swarm } from '../lib/swarm-client.js';

export interface CapacityConfig {
  readonly connections: number;
  readonly relayMessages: number;
  readonly relayConcurrency: number;
}

export interface RelayThroughput {
  readonly messages: number;
  readonly concurrency: number;
  readonly ms: number;
  readonly perSecond: number;
}

export interface ServerCapacity {
  readonly idle: IdleMemory;
  readonly relay: RelayThroughput;
}

export interface EmulatorCapacityResult {
  readonly emulator: ServerCapacity;
  readonly floor: ServerCapacity;
  /** Emulator / floor. */
  readonly memoryRatio: number;
  /** Emulator / floor. */
  readonly relayRatio: number;
}

export async function measureRelay(
  swarm: Swarm,
  endpoint: string,
  connectionIds: readonly string[],
  config: CapacityConfig,
  label: string,
  log: Log,
): Promise<RelayThroughput> {
  const round = `relay-${label}-${Date.now().toString(36)}`;
  const timeoutMs = 120_000;
  const seen = swarm.expect(round, config.relayMessages, timeoutMs);
  const reply = await runSender(
    {
      op: 'relay',
      endpoint,
      connectionIds,
      messages: config.relayMessages,
      concurrency: config.relayConcurrency,
      round,
    },
    timeoutMs + 30_000,
  );
  const { received, lastAt } = await seen;
  if (received !== config.relayMessages) {
    throw new Error(`relay (${label}): ${received} of ${config.relayMessages} frames arrived`);
  }
  const ms = lastAt - reply.startedAt;
  const perSecond = (config.relayMessages / ms) * 1_000;
  log(
    `emulator capacity: ${label} relayed ${config.relayMessages} posts in ${ms.toFixed(0)} ms (plain HTTP)`,
  );
  return { messages: config.relayMessages, concurrency: config.relayConcurrency, ms, perSecond };
}

export function compareCapacity(emulator: ServerCapacity, floor: ServerCapacity): EmulatorCapacityResult {
  return {
    emulator,
    floor,
    memoryRatio: ratio(emulator.idle.rssKiBPerConnection, floor.idle.rssKiBPerConnection),
    relayRatio: ratio(emulator.relay.perSecond, floor.relay.perSecond),
  };
}
