// Benchmark 5, emulator capacity: memory per idle connection (taken as the shared crowd opened) and
// @connections posts relayed a second, against a bare `ws` server. The measurement is bench/measure.

import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, times, wholeNumber } from '../format.js';
import { measureIdleMemory } from '../lib/idle-memory.js';
import { ServerHost } from '../lib/server-host-client.js';
import { Swarm } from '../lib/swarm-client.js';
import { markdownTable } from '../markdown.js';
import {
  compareCapacity,
  measureRelay,
  type CapacityConfig,
  type EmulatorCapacityResult,
  type ServerCapacity,
} from '../measure/emulator-capacity.js';

const capacityCells = (name: string, capacity: ServerCapacity) => [
  name,
  wholeNumber(capacity.idle.connections),
  decimal(capacity.idle.rssKiBPerConnection),
  decimal(capacity.idle.heapKiBPerConnection),
  wholeNumber(capacity.relay.perSecond),
];

export const emulatorCapacity: Benchmark<CapacityConfig, EmulatorCapacityResult> = {
  name: 'emulatorCapacity',
  templateName: 'emulator-capacity',
  sizes: {
    full: { connections: 5_000, relayMessages: 10_000, relayConcurrency: 64 },
    smoke: { connections: 40, relayMessages: 200, relayConcurrency: 8 },
  },
  describeSizes: (config) =>
    `emulator: ${wholeNumber(config.connections)} connections, ${wholeNumber(config.relayMessages)} posts relayed, ${config.relayConcurrency} in flight`,
  shares: { emulatorConnections: (config) => config.connections },

  async run(context, config) {
    const { log } = context;
    const crowd = await context.emulatorCrowd();
    const relay = await measureRelay(
      crowd.swarm,
      crowd.endpoint,
      crowd.connectionIds,
      config,
      'emulator',
      log,
    );
    const emulator = { idle: crowd.idle, relay };
    // The floor has the machine to itself, as the emulator had.
    await context.closeEmulatorCrowd();
    const floorServer = await ServerHost.start('bare');
    const floorSwarm = new Swarm();
    try {
      log(`floor: opening ${config.connections} connections to the bare ws server`);
      const idle = await measureIdleMemory(floorSwarm, floorServer, config.connections);
      const ids = await floorServer.connectionIds();
      const floorRelay = await measureRelay(
        floorSwarm,
        floorServer.managementEndpoint,
        ids,
        config,
        'floor',
        log,
      );
      return compareCapacity(emulator, { idle, relay: floorRelay });
    } finally {
      await floorSwarm.close();
      await floorServer.stop();
    }
  },

  check(result, config) {
    const { problems, expect } = problemList();
    for (const [name, side] of Object.entries({ emulator: result.emulator, floor: result.floor })) {
      expect(side.idle.connections >= config.connections, `emulatorCapacity ${name}: connections held`);
      expect(side.relay.perSecond > 0, `emulatorCapacity ${name}: relay rate`);
    }
    return problems;
  },

  budgets: [
    {
      id: 'emulator-memory',
      what: 'emulator: memory (RSS) per idle connection over the bare ws floor',
      limit: '<= 2',
      value: (result) => result.memoryRatio,
      isMet: (value) => value <= 2,
    },
    {
      id: 'emulator-relay',
      what: 'emulator: relayed posts a second over the bare ws floor',
      limit: '>= 0.5',
      value: (result) => result.relayRatio,
      isMet: (value) => value >= 0.5,
    },
  ],

  rows: (result) => [
    row({
      bench: '5 emulator',
      measure: `${wholeNumber(result.emulator.idle.connections)} idle connections: RSS (heap) KiB per connection`,
      ours: `${decimal(result.emulator.idle.rssKiBPerConnection)} (${decimal(result.emulator.idle.heapKiBPerConnection)})`,
      floor: `${decimal(result.floor.idle.rssKiBPerConnection)} (${decimal(result.floor.idle.heapKiBPerConnection)})`,
      vsFloor: times(result.memoryRatio),
    }),
    row({
      bench: '5 emulator',
      measure: `@connections posts relayed a second (${result.emulator.relay.concurrency} in flight)`,
      ours: wholeNumber(result.emulator.relay.perSecond),
      floor: wholeNumber(result.floor.relay.perSecond),
      vsFloor: times(result.relayRatio),
    }),
  ],

  section: (result) => ({
    connections: wholeNumber(result.emulator.idle.connections),
    relayMessages: wholeNumber(result.emulator.relay.messages),
    relayConcurrency: String(result.emulator.relay.concurrency),
    table: markdownTable(
      ['', 'Connections', 'RSS KiB / connection', 'Heap KiB / connection', 'Posts relayed / s'],
      [capacityCells('emulator', result.emulator), capacityCells('floor', result.floor)],
    ),
  }),

  comparisons: () => [],
};
