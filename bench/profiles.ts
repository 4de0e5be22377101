// Bench sizes: `full` is what `make bench` runs (about six minutes on two cores); `smoke` runs every
// benchmark at tiny sizes so the harness is exercised by `make test` without timing anything that matters.

import { DEFAULT_CHAT_POLICY } from '../src/domain/index.js';
import type { ColdStartConfig } from './benchmarks/cold-start.js';
import type { CostConfig } from './benchmarks/cost.js';
import type { CapacityConfig } from './benchmarks/emulator-capacity.js';
import type { EndToEndConfig } from './benchmarks/end-to-end.js';
import type { FanOutReadConfig } from './benchmarks/fan-out-read.js';
import type { FanOutTimeConfig } from './benchmarks/fan-out-time.js';

export type ProfileName = 'full' | 'smoke';

export interface Profile {
  readonly name: ProfileName;
  readonly fanOutRead: FanOutReadConfig;
  readonly fanOutTime: FanOutTimeConfig;
  readonly endToEnd: EndToEndConfig;
  readonly coldStart: ColdStartConfig;
  readonly capacity: CapacityConfig;
  /** The room priced is the end-to-end run's. */
  readonly cost: Omit<CostConfig, 'members'>;
}

const COST: Profile['cost'] = {
  messagesPerSecond: 1,
  // Terraform's default for the chat functions (function_memory_mb).
  lambdaMemoryMb: 512,
  dynamoRoundTripMs: 10,
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  full: {
    name: 'full',
    fanOutRead: {
      rooms: 10,
      sizes: [100, 1_000, 5_000],
      pageSize: DEFAULT_CHAT_POLICY.membersPageSize,
      seedConcurrency: 8,
    },
    fanOutTime: {
      // 100 as well: the room the cost model prices.
      sizes: [100, 1_000, 5_000],
      latencyMs: 20,
      concurrency: DEFAULT_CHAT_POLICY.fanOutConcurrency,
      pageSize: DEFAULT_CHAT_POLICY.membersPageSize,
      sequentialSample: 200,
    },
    // 5 a second: the local stack (DynamoDB Local, the emulator and the handlers on two cores) keeps up
    // with 100 deliveries per message at that rate and falls behind at 8. The floor needs no more than
    // 200 messages at the same rate for steady percentiles, which keeps the run within its budget.
    endToEnd: { clients: 100, messages: 1_000, ratePerSecond: 5, warmup: 20, floorMessages: 200 },
    coldStart: { runs: 15, analysisRuns: 15 },
    capacity: { connections: 5_000, relayMessages: 10_000, relayConcurrency: 64 },
    cost: COST,
  },
  smoke: {
    name: 'smoke',
    fanOutRead: { rooms: 3, sizes: [10, 30], pageSize: 8, seedConcurrency: 4 },
    fanOutTime: { sizes: [20], latencyMs: 5, concurrency: 4, pageSize: 8, sequentialSample: 5 },
    endToEnd: { clients: 5, messages: 20, ratePerSecond: 20, warmup: 2, floorMessages: 20 },
    coldStart: {
      runs: 2,
      analysisRuns: 1,
      functions: ['message', 'authorizer'],
      slices: ['empty', 'tracer'],
    },
    capacity: { connections: 40, relayMessages: 200, relayConcurrency: 8 },
    cost: COST,
  },
};
