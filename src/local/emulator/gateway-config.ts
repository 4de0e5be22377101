// Local emulator: what a gateway is started with (its routes, limits and options) and what its parts
// share while it runs (the API's facts, the scheduler, the log and the way a function is invoked).

import type { Context } from 'aws-lambda';
import { lambdaContext, type ApiFacts } from './lambda-events.js';
import type { Scheduler } from './scheduler.js';

export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

export interface RouteBinding {
  /** Function name, for logs and the Lambda context. */
  readonly name: string;
  readonly handler: LambdaHandler;
}

export interface GatewayRoutes {
  readonly routeSelectionExpression: string;
  /** Route key -> function. `$connect`, `$disconnect` and `$default` are optional, as in AWS. */
  readonly routes: Readonly<Record<string, RouteBinding>>;
  readonly authorizer?: RouteBinding & {
    /** e.g. `route.request.querystring.token`, `route.request.header.Authorization`. */
    readonly identitySources: readonly string[];
  };
  /** Route keys with a `$default` route response: their integration's `body` is sent back. */
  readonly twoWayRoutes?: readonly string[];
}

export interface GatewayLimits {
  readonly idleTimeoutMs: number;
  readonly maxConnectionMs: number;
  /** API Gateway's frame quota. Browsers send each message as one frame, so this bounds messages too. */
  readonly maxFrameBytes: number;
  readonly integrationTimeoutMs: number;
  /** Function timeout reported by the Lambda context. */
  readonly functionTimeoutMs: number;
}

export const AWS_LIMITS: GatewayLimits = {
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 3_600_000,
  maxFrameBytes: 32 * 1024,
  integrationTimeoutMs: 29_000,
  functionTimeoutMs: 30_000,
};

export interface RequestLogEntry {
  readonly kind: 'CONNECT' | 'MESSAGE' | 'DISCONNECT' | 'MANAGEMENT' | 'HTTP';
  readonly route: string;
  readonly connectionId?: string;
  readonly status: number | string;
  readonly ms: number;
  readonly detail?: string;
}

/** What the dev stack passes through to its gateway. */
export interface GatewayRuntimeOptions {
  readonly limits?: Partial<GatewayLimits>;
  /** Time for every limit, timeout and timestamp; the real clock when absent. */
  readonly scheduler?: Scheduler;
  /** One line per request (handshake, message, disconnect, management call). */
  readonly log?: (entry: RequestLogEntry) => void;
}

export interface GatewayOptions extends GatewayRuntimeOptions {
  /** The port on 127.0.0.1 (the only address the emulator listens on); 0 or absent picks a free one. */
  readonly port?: number;
  /**
   * What @connections callers must sign with (SigV4, service execute-api, this region): the credentials
   * the local stack hands its functions. LOCAL_CREDENTIALS when absent.
   */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The API's identity as events and ARNs show it. */
  readonly stage?: string;
  readonly apiId?: string;
  readonly region?: string;
  readonly accountId?: string;
}

/** What the parts of a running gateway share. */
export interface GatewayContext {
  readonly routes: GatewayRoutes;
  readonly limits: GatewayLimits;
  readonly scheduler: Scheduler;
  readonly api: ApiFacts;
  log(entry: RequestLogEntry): void;
  invoke(binding: RouteBinding, event: unknown): Promise<unknown>;
}

export function gatewayContext(
  routes: GatewayRoutes,
  options: GatewayRuntimeOptions,
  scheduler: Scheduler,
  api: ApiFacts,
): GatewayContext {
  const limits = { ...AWS_LIMITS, ...options.limits };
  return {
    routes,
    limits,
    scheduler,
    api,
    log: (entry) => options.log?.(entry),
    invoke: (binding, event) =>
      binding.handler(event as never, lambdaContext(binding.name, api, limits.functionTimeoutMs, scheduler)),
  };
}
