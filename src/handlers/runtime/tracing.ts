// Driving side: X-Ray subsegments for each invocation and each AWS SDK call, from the Powertools Tracer,
// loaded only when SDK_TRACING=on. Importing the Tracer (and the X-Ray SDK under it) costs about a tenth
// of a cold start and switches on async hooks that every promise of the process then pays for, so it stays
// off the cold path unless asked for; Lambda's own Active tracing records every invocation without it.

import type { MiddlewareObj } from '@middy/core';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { readTelemetryConfig } from '../config.js';

type Middleware = MiddlewareObj<unknown, unknown>;

/** The SDK_TRACING switch, read from the settings each time a chain or a client is built. */
const sdkTracingEnabled = () => readTelemetryConfig().sdkTracing;

interface Loaded {
  readonly tracer: Tracer;
  readonly middleware: Middleware;
}

let loading: Promise<Loaded> | undefined;
let loaded: Loaded | undefined;
// Clients built before the Tracer finished loading; instrumented as soon as it has.
const waiting: object[] = [];

function load(): Promise<Loaded> {
  loading ??= (async () => {
    const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
      import('@aws-lambda-powertools/tracer'),
      import('@aws-lambda-powertools/tracer/middleware'),
    ]);
    const tracer = new Tracer({ serviceName: readTelemetryConfig().serviceName });
    const middleware = captureLambdaHandler(tracer, { captureResponse: false }) as Middleware;
    loaded = { tracer, middleware };
    for (const client of waiting.splice(0)) tracer.captureAWSv3Client(client);
    return loaded;
  })();
  return loading;
}

/**
 * A subsegment per invocation when SDK tracing is on, no middleware at all otherwise. The Tracer loads on
 * the first invocation that needs it, before the handler builds its clients.
 */
export function traceInvocations<E, R>(): MiddlewareObj<E, R>[] {
  if (!sdkTracingEnabled()) return [];
  const inner = async (phase: 'before' | 'after' | 'onError', request: unknown) => {
    const { middleware } = loaded ?? (await load());
    await middleware[phase]?.(request as never);
  };
  return [
    {
      before: (request) => inner('before', request),
      after: (request) => inner('after', request),
      onError: (request) => inner('onError', request),
    },
  ];
}

/** Records the client's calls as subsegments when SDK tracing is on; returns the client itself. */
export function traceClient<C extends object>(client: C): C {
  if (!sdkTracingEnabled()) return client;
  if (loaded !== undefined) loaded.tracer.captureAWSv3Client(client);
  else {
    waiting.push(client);
    // A failed load surfaces in traceInvocations, which awaits it; here it must not go unhandled.
    load().catch(() => undefined);
  }
  return client;
}
