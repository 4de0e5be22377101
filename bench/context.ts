// Bench harness: what the benchmarks share, started on first use and stopped when no benchmark still to
// run asks for it (one local stack for the read cost and end-to-end runs; one crowd of connections on
// the emulator for the fan-out time and emulator capacity runs).

import { startDevStack, type DevStack } from '../src/local/dev-stack.js';
import type { AnyBenchmark, BenchContext, Benchmark, EmulatorCrowd, ProfileName } from './benchmark.js';
import { HandlerTimes } from './lib/handler-times.js';
import { measureIdleMemory } from './lib/idle-memory.js';
import type { Log } from './lib/log.js';
import { ServerHost } from './lib/server-host-client.js';
import { Swarm } from './lib/swarm-client.js';

export class SharedResources implements BenchContext {
  private stack: Promise<{ stack: DevStack; handlerTimes: HandlerTimes }> | undefined;
  private crowd: Promise<EmulatorCrowd> | undefined;
  private readonly results = new Map<string, unknown>();

  constructor(
    readonly profile: ProfileName,
    readonly log: Log,
    /** Connections the crowd opens: the most any benchmark sharing it needs. */
    private readonly crowdConnections: number,
  ) {}

  devStack(): Promise<{ stack: DevStack; handlerTimes: HandlerTimes }> {
    this.stack ??= (async () => {
      const handlerTimes = new HandlerTimes();
      this.log('starting the local stack (DynamoDB Local, emulator, handlers)');
      const stack = await startDevStack({
        wsPort: 0,
        webPort: 0,
        handlerLogLevel: 'SILENT',
        log: handlerTimes.log,
      });
      return { stack, handlerTimes };
    })();
    return this.stack;
  }

  emulatorCrowd(): Promise<EmulatorCrowd> {
    this.crowd ??= (async () => {
      const server = await ServerHost.start('emulator');
      const swarm = new Swarm();
      try {
        this.log(`emulator: opening ${this.crowdConnections} connections`);
        const idle = await measureIdleMemory(swarm, server, this.crowdConnections);
        const connectionIds = await server.connectionIds();
        return { server, swarm, endpoint: server.managementEndpoint, connectionIds, idle };
      } catch (error) {
        await swarm.close();
        await server.stop();
        throw error;
      }
    })();
    return this.crowd;
  }

  resultOf<Result>(benchmark: Benchmark<unknown, Result>): Result | undefined {
    return this.results.get(benchmark.name) as Result | undefined;
  }

  keep(benchmark: AnyBenchmark, result: unknown): void {
    this.results.set(benchmark.name, result);
  }

  /** Stops what none of the benchmarks still to run shares. */
  async release(stillToRun: readonly AnyBenchmark[]): Promise<void> {
    if (!stillToRun.some((b) => b.shares?.devStack === true)) await this.closeDevStack();
    if (!stillToRun.some((b) => b.shares?.emulatorConnections !== undefined)) await this.closeEmulatorCrowd();
  }

  async close(): Promise<void> {
    await this.release([]);
  }

  private async closeDevStack(): Promise<void> {
    const started = this.stack;
    this.stack = undefined;
    if (started !== undefined) await (await started.catch(() => undefined))?.stack.stop();
  }

  async closeEmulatorCrowd(): Promise<void> {
    const started = this.crowd;
    this.crowd = undefined;
    const crowd = await started?.catch(() => undefined);
    if (crowd === undefined) return;
    await crowd.swarm.close();
    await crowd.server.stop();
  }
}
