// Bench support: the harness's handle on a server host helper process (see server-host.ts).

import { fileURLToPath } from 'node:url';
import { Helper } from './children.js';
import { sleep } from './clock.js';
import type { MemoryPoint } from './memory.js';
import type { AccountRateLimit } from '../../src/local/emulator/websocket-gateway.js';
import type { ServerHostRequest, ServerKind, SinkReport, StartedReply } from './server-host.js';

const HOST = fileURLToPath(new URL('./server-host.ts', import.meta.url));

export class ServerHost {
  readonly url: string;
  readonly managementEndpoint: string;

  private constructor(
    readonly kind: ServerKind,
    private readonly helper: Helper<ServerHostRequest, unknown>,
    started: StartedReply,
  ) {
    this.url = started.url;
    this.managementEndpoint = started.managementEndpoint;
  }

  static async start(kind: ServerKind): Promise<ServerHost> {
    const helper = new Helper<ServerHostRequest, unknown>(HOST);
    try {
      const started = (await helper.request({ op: 'start', kind }, 30_000)) as StartedReply;
      return new ServerHost(kind, helper, started);
    } catch (error) {
      await helper.stop();
      throw error;
    }
  }

  /** The server process's memory after a full collection. */
  async memory(): Promise<MemoryPoint> {
    return (await this.helper.request({ op: 'memory' }, 30_000)) as MemoryPoint;
  }

  async connectionIds(): Promise<string[]> {
    return (await this.helper.request({ op: 'connections' }, 30_000)) as string[];
  }

  /** Waits until the server has registered `count` connections (it does so just after the client sees open). */
  async awaitConnections(count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ids = await this.connectionIds();
      if (ids.length >= count || Date.now() > deadline) return ids;
      await sleep(50);
    }
  }

  async setLatency(ms: number): Promise<void> {
    await this.helper.request({ op: 'latency', ms }, 10_000);
  }

  /** Emulator only: registers `count` sink connections (see WebSocketGateway.addSinks). */
  async addSinks(count: number): Promise<string[]> {
    return (await this.helper.request({ op: 'add-sinks', count }, 60_000)) as string[];
  }

  /** Emulator only: what the sinks received; `reset` zeroes the counts after reading them. */
  async sinkDeliveries(reset = false): Promise<SinkReport> {
    return (await this.helper.request({ op: 'sink-deliveries', reset }, 10_000)) as SinkReport;
  }

  /** Emulator only: the account-wide @connections rate limit, or none. */
  async limitAccountRate(limit: AccountRateLimit | undefined): Promise<void> {
    await this.helper.request({ op: 'account-limit', limit: limit ?? null }, 10_000);
  }

  async stop(): Promise<void> {
    try {
      await this.helper.request({ op: 'stop' }, 15_000);
      await this.helper.done();
    } finally {
      await this.helper.stop();
    }
  }
}
