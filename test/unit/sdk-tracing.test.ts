// Unit: the first middleware of every chain and the wrapper of every AWS SDK client: with SDK_TRACING=on
// the Powertools Tracer is loaded on demand and records invocations and SDK calls; otherwise it is never
// loaded. The Tracer and its Middy middleware are replaced by recorders, as X-Ray exists only in Lambda.

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

interface Recorded {
  /** The options of each Tracer made. */
  tracers: unknown[];
  /** The options captureLambdaHandler was given. */
  handlerOptions: unknown[];
  /** The invocation phases the Tracer's middleware saw, with their request. */
  phases: [string, unknown][];
  /** The SDK clients whose calls the Tracer records. */
  clients: object[];
}

let recorded: Recorded;
const saved = { ...process.env };

class RecordingTracer {
  constructor(options: unknown) {
    recorded.tracers.push(options);
  }
  captureAWSv3Client<T extends object>(client: T): T {
    recorded.clients.push(client);
    return client;
  }
}

function captureLambdaHandler(_tracer: RecordingTracer, options: unknown) {
  recorded.handlerOptions.push(options);
  const phase = (name: string) => async (request: unknown) => {
    recorded.phases.push([name, request]);
  };
  return { before: phase('before'), after: phase('after'), onError: phase('onError') };
}

/** tracing.ts as a cold start loads it: nothing loaded yet, no client waiting. */
async function coldTracing() {
  jest.resetModules();
  jest.unstable_mockModule('@aws-lambda-powertools/tracer', () => ({ Tracer: RecordingTracer }));
  jest.unstable_mockModule('@aws-lambda-powertools/tracer/middleware', () => ({ captureLambdaHandler }));
  return import('../../src/handlers/runtime/tracing.js');
}

function sdkTracing(value: 'on' | 'off'): void {
  process.env['SDK_TRACING'] = value;
}

beforeEach(() => {
  recorded = { tracers: [], handlerOptions: [], phases: [], clients: [] };
  process.env = { ...saved };
  delete process.env['POWERTOOLS_SERVICE_NAME'];
});

afterEach(() => {
  process.env = saved;
});

describe('SDK tracing', () => {
  it('adds no middleware and never instruments a client while SDK_TRACING is off', async () => {
    const { traceClient, traceInvocations } = await coldTracing();
    sdkTracing('off');
    const client = { name: 'dynamodb' };

    expect(traceInvocations()).toEqual([]);
    expect(traceClient(client)).toBe(client);

    // Switched on later (a warm container that read new settings): the earlier client stays as it was.
    sdkTracing('on');
    await traceInvocations()[0]?.before?.({} as never);
    expect(recorded.clients).toEqual([]);
  });

  it("loads one Tracer named after the service and hands it each invocation's before, after and onError", async () => {
    const { traceInvocations } = await coldTracing();
    sdkTracing('on');
    const middlewares = traceInvocations();
    const [first, second, third] = [{ n: 1 }, { n: 2 }, { n: 3 }];

    expect(middlewares).toHaveLength(1);
    await middlewares[0]?.before?.(first as never);
    await middlewares[0]?.after?.(second as never);
    await traceInvocations()[0]?.onError?.(third as never);

    expect(recorded.tracers).toEqual([{ serviceName: 'roomcast' }]);
    expect(recorded.handlerOptions).toEqual([{ captureResponse: false }]);
    expect(recorded.phases).toEqual([
      ['before', first],
      ['after', second],
      ['onError', third],
    ]);
  });

  it('instruments a client built before the Tracer loaded as soon as it has, and later clients at once', async () => {
    const { traceClient, traceInvocations } = await coldTracing();
    sdkTracing('on');
    const early = { name: 'dynamodb' };
    const late = { name: 'apigatewaymanagementapi' };

    expect(traceClient(early)).toBe(early);
    await traceInvocations()[0]?.before?.({} as never);
    expect(recorded.clients).toEqual([early]);

    expect(traceClient(late)).toBe(late);
    expect(recorded.clients).toEqual([early, late]);
    expect(recorded.tracers).toHaveLength(1);
  });
});
