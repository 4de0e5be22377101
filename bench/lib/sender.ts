// Bench helper process: does one fan-out (or one relay run) against an @connections endpoint through the
// real AWS SDK client, then reports when it started and how much memory it added. One job per process,
// so each strategy starts from the same clean state and its memory is its own.

import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Agent, request as httpRequest } from 'node:http';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import { ConnectionJanitor, PagedFanOut } from '../../src/domain/index.js';
import { serveRequests } from './children.js';
import { nowMs } from './clock.js';
import { ListedRoom, silentLogger } from './listed-room.js';
import { roundEvent } from './round-event.js';
import { collectGarbage, memoryNow, PeakSampler, type PeakDelta } from './memory.js';

export type FanOutStrategy = 'paged' | 'promise-all' | 'sequential';

export type SenderRequest =
  | {
      op: 'fan-out';
      strategy: FanOutStrategy;
      endpoint: string;
      connectionIds: readonly string[];
      /** Deliveries in flight for `paged`; ignored by the others. */
      concurrency: number;
      pageSize: number;
      round: string;
      /**
       * Load the Powertools Tracer first, as a function does with SDK_TRACING=on: its X-Ray SDK switches
       * on async hooks for the whole process at import.
       */
      loadTracer?: boolean;
    }
  | {
      op: 'relay';
      endpoint: string;
      connectionIds: readonly string[];
      messages: number;
      concurrency: number;
      round: string;
    };

export interface SenderReply {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly delivered: number;
  readonly failed: number;
  readonly memory: PeakDelta;
  /** CPU time (user + system) the process spent during the work. */
  readonly cpuMs: number;
}

/** The local stack's dev credentials: the emulator checks the signature, the bare server ignores it. */
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';

/** Runs `work` between a settled baseline and its end, sampling memory all along. */
async function measured(work: () => Promise<{ delivered: number; failed: number }>): Promise<SenderReply> {
  collectGarbage();
  const sampler = new PeakSampler(memoryNow());
  sampler.start();
  const cpu = process.cpuUsage();
  const startedAt = nowMs();
  const { delivered, failed } = await work();
  const endedAt = nowMs();
  const used = process.cpuUsage(cpu);
  return {
    startedAt,
    endedAt,
    delivered,
    failed,
    memory: sampler.stop(),
    cpuMs: (used.user + used.system) / 1_000,
  };
}

async function fanOut(request: Extract<SenderRequest, { op: 'fan-out' }>): Promise<SenderReply> {
  const ids = request.connectionIds;
  const event = roundEvent(request.round);
  const warmUp = roundEvent(`${request.round}-warm-up`);
  if (request.loadTracer === true) {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    new Tracer({ serviceName: 'bench' });
  }
  switch (request.strategy) {
    case 'paged': {
      // What a warm Lambda container holds: the pool and the notifier the composition root builds.
      const pool = new ManagementClientPool({
        region: REGION,
        maxSockets: request.concurrency + 1,
        credentials: CREDENTIALS,
      });
      const notifier = new ManagementApiNotifier({ client: pool.clientFor(request.endpoint) });
      await notifier.deliver(ids[0] as string, warmUp);
      const room = new ListedRoom('bench', ids);
      const clock = { now: () => Date.now() };
      const engine = new PagedFanOut({
        memberships: room,
        connections: room,
        notifier,
        janitor: new ConnectionJanitor({ connections: room, memberships: room, clock }),
        clock,
        logger: silentLogger,
        concurrency: request.concurrency,
        pageSize: request.pageSize,
      });
      const reply = await measured(async () => {
        const report = await engine.toRoom('bench', event);
        return { delivered: report.delivered, failed: report.failed + report.gone };
      });
      pool.destroy();
      return reply;
    }
    case 'promise-all': {
      // The classic walkthrough: a client with the SDK's defaults and one Promise.all over everyone.
      const client = new ApiGatewayManagementApiClient({
        endpoint: request.endpoint,
        region: REGION,
        credentials: CREDENTIALS,
      });
      const data = new TextEncoder().encode(JSON.stringify(event));
      await client.send(
        new PostToConnectionCommand({
          ConnectionId: ids[0],
          Data: new TextEncoder().encode(JSON.stringify(warmUp)),
        }),
      );
      const reply = await measured(async () => {
        let failed = 0;
        await Promise.all(
          ids.map((id) =>
            client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })).catch(() => {
              failed += 1;
            }),
          ),
        );
        return { delivered: ids.length - failed, failed };
      });
      client.destroy();
      return reply;
    }
    case 'sequential': {
      const pool = new ManagementClientPool({ region: REGION, maxSockets: 1, credentials: CREDENTIALS });
      const notifier = new ManagementApiNotifier({ client: pool.clientFor(request.endpoint) });
      await notifier.deliver(ids[0] as string, warmUp);
      const reply = await measured(async () => {
        let delivered = 0;
        for (const id of ids) if ((await notifier.deliver(id, event)) === 'delivered') delivered += 1;
        return { delivered, failed: ids.length - delivered };
      });
      pool.destroy();
      return reply;
    }
  }
}

const signer = new SignatureV4({
  credentials: CREDENTIALS,
  region: REGION,
  service: 'execute-api',
  sha256: Hash.bind(null, 'sha256'),
});

/** One @connections POST over a keep-alive agent, signed as the SDK signs it, without its middleware. */
async function rawPost(agent: Agent, url: URL, body: Buffer): Promise<number> {
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    }),
  );
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...signed.headers, 'content-length': body.length },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    call.once('error', reject);
    call.end(body);
  });
}

/**
 * Posts `messages` events round-robin over the connections, `concurrency` at a time, as fast as it can.
 * Plain HTTP rather than the SDK: the SDK's own cost per call would cap the rate before the server does.
 */
async function relay(request: Extract<SenderRequest, { op: 'relay' }>): Promise<SenderReply> {
  const agent = new Agent({ keepAlive: true, maxSockets: request.concurrency });
  const ids = request.connectionIds;
  const urlOf = (id: string) => new URL(`${request.endpoint}/@connections/${encodeURIComponent(id)}`);
  await rawPost(
    agent,
    urlOf(ids[0] as string),
    Buffer.from(JSON.stringify(roundEvent(`${request.round}-warm-up`))),
  );
  const body = Buffer.from(JSON.stringify(roundEvent(request.round)));
  const reply = await measured(async () => {
    let next = 0;
    let delivered = 0;
    const worker = async (): Promise<void> => {
      while (next < request.messages) {
        const id = ids[next % ids.length] as string;
        next += 1;
        if ((await rawPost(agent, urlOf(id), body)) === 200) delivered += 1;
      }
    };
    await Promise.all(Array.from({ length: request.concurrency }, worker));
    return { delivered, failed: request.messages - delivered };
  });
  agent.destroy();
  return reply;
}

serveRequests<SenderRequest, SenderReply>(async (request) => {
  const reply = request.op === 'fan-out' ? await fanOut(request) : await relay(request);
  // One job per process: leave once the reply is out.
  setTimeout(() => process.exit(0), 50);
  return reply;
});
