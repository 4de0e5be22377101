// Bench helper process: hosts the server under test, the API Gateway emulator (with no routes: every
// connection is accepted and only the @connections API is exercised) or the bare `ws` floor, alone in
// its process, so the memory it reports is the server's own and its CPU is not the sender's.

import {
  WebSocketGateway,
  type AccountRateLimit,
  type SinkDeliveries,
} from '../../src/local/emulator/websocket-gateway.js';
import { startBareServer } from './bare-server.js';
import { serveRequests } from './children.js';
import { loopback } from './loopback.js';
import { collectGarbage, memoryNow, type MemoryPoint } from './memory.js';

export type ServerKind = 'emulator' | 'bare';

export type ServerHostRequest =
  | { op: 'start'; kind: ServerKind }
  | { op: 'memory' }
  | { op: 'connections' }
  | { op: 'latency'; ms: number }
  | { op: 'add-sinks'; count: number }
  | { op: 'sink-deliveries'; reset?: boolean }
  | { op: 'account-limit'; limit: AccountRateLimit | null }
  | { op: 'stop' };

/** What `sink-deliveries` answers: the counts, and how many calls the account limit refused. */
export interface SinkReport extends SinkDeliveries {
  readonly throttledCalls: number;
}

export interface StartedReply {
  readonly url: string;
  readonly managementEndpoint: string;
}

let server:
  | {
      url: string;
      managementEndpoint: string;
      ids: () => string[];
      latency: (ms: number) => void;
      gateway?: WebSocketGateway;
      stop: () => Promise<void>;
    }
  | undefined;

async function start(kind: ServerKind): Promise<StartedReply> {
  if (kind === 'emulator') {
    const gateway = await WebSocketGateway.start(
      { routeSelectionExpression: '$request.body.action', routes: {} },
      { port: 0, stage: 'local' },
    );
    server = {
      url: loopback(gateway.url),
      managementEndpoint: loopback(gateway.managementEndpoint),
      ids: () => gateway.connectionIds(),
      latency: (ms) => {
        gateway.faults.latencyMs = ms;
      },
      gateway,
      stop: () => gateway.stop(),
    };
  } else {
    const bare = await startBareServer();
    server = {
      url: bare.url,
      managementEndpoint: bare.managementEndpoint,
      ids: () => bare.connectionIds(),
      latency: () => {
        throw new Error('the bare server injects no latency');
      },
      stop: () => bare.stop(),
    };
  }
  return { url: server.url, managementEndpoint: server.managementEndpoint };
}

function running() {
  if (server === undefined) throw new Error('no server started');
  return server;
}

function emulator(): WebSocketGateway {
  const gateway = running().gateway;
  if (gateway === undefined) throw new Error('only the emulator has sinks and an account limit');
  return gateway;
}

serveRequests<ServerHostRequest, unknown>(async (request) => {
  switch (request.op) {
    case 'start':
      return start(request.kind);
    case 'memory': {
      collectGarbage();
      return memoryNow() satisfies MemoryPoint;
    }
    case 'connections':
      return running().ids();
    case 'latency':
      running().latency(request.ms);
      return { latencyMs: request.ms };
    case 'add-sinks':
      return emulator().addSinks(request.count);
    case 'sink-deliveries': {
      const gateway = emulator();
      const report: SinkReport = { ...gateway.sinkDeliveries(), throttledCalls: gateway.throttledCalls };
      if (request.reset === true) gateway.resetSinkCounts();
      return report;
    }
    case 'account-limit':
      emulator().limitAccountRate(request.limit ?? undefined);
      return { limited: request.limit !== null };
    case 'stop': {
      await running().stop();
      setTimeout(() => process.exit(0), 50);
      return { stopped: true };
    }
  }
});
