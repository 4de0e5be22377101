// Bench helper process: posts one event many times through the notifier and an @connections SDK client
// set up one of four ways, and reports the CPU the process spent, for a first pass and then a second one
// as long. Benchmark 9 sets the variants against each other to price the client's middleware stack, its
// signing and its HTTP handler.

import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import { serveRequests } from './children.js';
import { roundEvent } from './round-event.js';

/**
 * - `baseline`: the client as the service built it before its stack was trimmed (kept here, frozen).
 * - `ours`: the client the service builds now (ManagementClientPool).
 * - `ours-no-http`: the same, with an HTTP handler that answers 200 at once: what is left is the stack
 *   and the signing.
 * - `ours-unsigned`: that, without the signing middleware: what is left is the stack alone.
 */
export const DELIVERY_COST_VARIANTS = ['baseline', 'ours', 'ours-no-http', 'ours-unsigned'] as const;
export type DeliveryCostVariant = (typeof DELIVERY_COST_VARIANTS)[number];

export interface DeliveryCostRequest {
  readonly op: 'deliveries';
  readonly variant: DeliveryCostVariant;
  readonly endpoint: string;
  readonly connectionIds: readonly string[];
  readonly deliveries: number;
  readonly concurrency: number;
  readonly round: string;
}

export interface DeliveryCostReply {
  readonly delivered: number;
  /** CPU time (user + system) of the process while it posted, in milliseconds. */
  readonly cpuMs: number;
  /**
   * The same for a second pass of as many deliveries right after the first, in the same process (its
   * frames carry the round `secondPassRound(round)`): by then what a fresh process pays once is paid, as
   * in a container that has served a while.
   */
  readonly warmCpuMs: number;
  readonly warmDelivered: number;
}

/** The round marker of a run's second pass. */
export function secondPassRound(round: string): string {
  return `${round}-second`;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';

/** The pool's client before the trim: every default middleware, the stack resolved on every send. */
function baselineClient(endpoint: string, maxSockets: number): ApiGatewayManagementApiClient {
  const agentOptions = { keepAlive: true, maxSockets };
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: REGION,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      requestTimeout: 5_000,
      throwOnRequestTimeout: true,
    }),
    credentials: CREDENTIALS,
  });
}

/** Answers every request with an empty 200 without touching the network. */
const answerAtOnce = {
  handle: async () => ({ response: { statusCode: 200, headers: {}, body: undefined } }),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
  destroy: () => undefined,
};

function clientFor(request: DeliveryCostRequest): { client: ApiGatewayManagementApiClient; done(): void } {
  const maxSockets = request.concurrency + 1;
  if (request.variant === 'baseline') {
    const client = baselineClient(request.endpoint, maxSockets);
    return { client, done: () => client.destroy() };
  }
  const pool = new ManagementClientPool({ region: REGION, maxSockets, credentials: CREDENTIALS });
  const client = pool.clientFor(request.endpoint);
  if (request.variant !== 'ours') {
    // The stack reads the handler from the config when it is first resolved, at the first send.
    (client.config as { requestHandler: unknown }).requestHandler = answerAtOnce;
  }
  if (request.variant === 'ours-unsigned') client.middlewareStack.remove('httpSigningMiddleware');
  return { client, done: () => pool.destroy() };
}

async function deliveries(request: DeliveryCostRequest): Promise<DeliveryCostReply> {
  const { client, done } = clientFor(request);
  const notifier = new ManagementApiNotifier({ client });
  const ids = request.connectionIds;
  // Warm up: the first calls load code, resolve credentials and open sockets.
  const warmUp = roundEvent(`${request.round}-warm-up`);
  for (let i = 0; i < Math.min(ids.length, 20); i += 1) await notifier.deliver(ids[i] as string, warmUp);
  const pass = async (round: string): Promise<{ delivered: number; cpuMs: number }> => {
    const event = roundEvent(round);
    let next = 0;
    let delivered = 0;
    const worker = async (): Promise<void> => {
      while (next < request.deliveries) {
        const id = ids[next % ids.length] as string;
        next += 1;
        if ((await notifier.deliver(id, event)) === 'delivered') delivered += 1;
      }
    };
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: request.concurrency }, worker));
    const used = process.cpuUsage(cpu);
    return { delivered, cpuMs: (used.user + used.system) / 1_000 };
  };
  const first = await pass(request.round);
  const warm = await pass(secondPassRound(request.round));
  done();
  return { ...first, warmCpuMs: warm.cpuMs, warmDelivered: warm.delivered };
}

serveRequests<DeliveryCostRequest, DeliveryCostReply>(async (request) => {
  const reply = await deliveries(request);
  // One job per process: leave once the reply is out.
  setTimeout(() => process.exit(0), 50);
  return reply;
});
