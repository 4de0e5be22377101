// Bench harness: runs the benchmarks of a profile in an order that lets them share what is expensive
// to start (one DynamoDB Local for the read cost and end-to-end runs; one crowd of connections for the
// fan-out time and emulator capacity runs), and gathers the results.

import { costModel } from './benchmarks/cost.js';
import { runColdStart } from './benchmarks/cold-start.js';
import {
  compareCapacity,
  measureIdleMemory,
  measureRelay,
  type ServerCapacity,
} from './benchmarks/emulator-capacity.js';
import { HandlerTimes, runEndToEnd } from './benchmarks/end-to-end.js';
import { runFanOutRead } from './benchmarks/fan-out-read.js';
import { runFanOutTime } from './benchmarks/fan-out-time.js';
import { checkBudgets } from './budgets.js';
import type { Log } from './lib/log.js';
import { describeMachine } from './lib/machine.js';
import { ServerHost } from './lib/server-host-client.js';
import { Swarm } from './lib/swarm-client.js';
import type { Profile } from './profiles.js';
import { BENCHMARKS, type BenchmarkName, type BenchResults } from './results.js';
import { startDevStack } from '../src/local/dev-stack.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export async function runBenchmarks(
  profile: Profile,
  options: { only?: readonly BenchmarkName[]; log: Log },
): Promise<BenchResults> {
  const { log } = options;
  const wanted = new Set<BenchmarkName>(options.only ?? BENCHMARKS);
  // The cost model is computed from three of the others.
  if (wanted.has('cost'))
    for (const name of ['fanOutRead', 'fanOutTime', 'endToEnd'] as const) wanted.add(name);
  const startedAt = Date.now();
  const results: Mutable<Partial<BenchResults>> = {};
  const machine = describeMachine();

  if (wanted.has('fanOutRead') || wanted.has('endToEnd')) {
    const handlerTimes = new HandlerTimes();
    log('starting the local stack (DynamoDB Local, emulator, handlers)');
    const stack = await startDevStack({
      wsPort: 0,
      webPort: 0,
      handlerLogLevel: 'SILENT',
      log: handlerTimes.log,
    });
    try {
      if (wanted.has('fanOutRead'))
        results.fanOutRead = await runFanOutRead(stack.dynamo, profile.fanOutRead, log);
      if (wanted.has('endToEnd'))
        results.endToEnd = await runEndToEnd(stack, handlerTimes, profile.endToEnd, log);
    } finally {
      await stack.stop();
    }
  }

  if (wanted.has('fanOutTime') || wanted.has('emulatorCapacity')) {
    const sizes = wanted.has('fanOutTime') ? profile.fanOutTime.sizes : [];
    const connections = Math.max(wanted.has('emulatorCapacity') ? profile.capacity.connections : 0, ...sizes);
    const server = await ServerHost.start('emulator');
    const swarm = new Swarm();
    let emulator: ServerCapacity | undefined;
    try {
      log(`emulator: opening ${connections} connections`);
      const idle = await measureIdleMemory(swarm, server, connections);
      const ids = await server.connectionIds();
      const endpoint = server.managementEndpoint;
      if (wanted.has('fanOutTime')) {
        await server.setLatency(profile.fanOutTime.latencyMs);
        results.fanOutTime = await runFanOutTime(
          { endpoint, connectionIds: ids, swarm },
          profile.fanOutTime,
          log,
        );
        await server.setLatency(0);
      }
      if (wanted.has('emulatorCapacity')) {
        const relay = await measureRelay(swarm, endpoint, ids, profile.capacity, 'emulator', log);
        emulator = { idle, relay };
      }
    } finally {
      await swarm.close();
      await server.stop();
    }
    if (emulator !== undefined) {
      const floorServer = await ServerHost.start('bare');
      const floorSwarm = new Swarm();
      try {
        log(`floor: opening ${profile.capacity.connections} connections to the bare ws server`);
        const idle = await measureIdleMemory(floorSwarm, floorServer, profile.capacity.connections);
        const ids = await floorServer.connectionIds();
        const relay = await measureRelay(
          floorSwarm,
          floorServer.managementEndpoint,
          ids,
          profile.capacity,
          'floor',
          log,
        );
        results.emulatorCapacity = compareCapacity(emulator, { idle, relay });
      } finally {
        await floorSwarm.close();
        await floorServer.stop();
      }
    }
  }

  if (wanted.has('coldStart')) results.coldStart = await runColdStart(profile.coldStart, log);

  if (wanted.has('cost') && results.fanOutRead && results.fanOutTime && results.endToEnd) {
    results.cost = costModel(
      { ...profile.cost, members: profile.endToEnd.clients },
      results.fanOutRead,
      results.fanOutTime,
      results.endToEnd,
    );
  }

  const partial = {
    schema: 1 as const,
    profile: profile.name,
    date: new Date(startedAt).toISOString(),
    durationS: Math.round((Date.now() - startedAt) / 1_000),
    machine,
    ...results,
  };
  return { ...partial, budgets: checkBudgets(partial) };
}
