// Driven adapter support: one @connections API client per endpoint, kept for the life of the process
// (warm Lambda invocations reuse it), with a keep-alive socket pool sized for the fan-out and a middleware
// stack cut to what a PostToConnection needs (a fan-out makes thousands of them: CPU per call counts).

import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LoggerPort } from '../../domain/index.js';
import { sdkHttpLogger } from '../system/sdk-http-logger.js';
import { EmptyAnswerHttpHandler } from './empty-answer-http-handler.js';

export interface ManagementClientPoolConfig {
  readonly region: string;
  /** Sockets per endpoint: at least the fan-out concurrency, so deliveries never queue for a socket. */
  readonly maxSockets: number;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly requestTimeoutMs?: number;
  /** Where the HTTP handler's warnings go, instead of the console. */
  readonly warnings?: LoggerPort;
}

/**
 * Middleware the SDK adds that these calls do without: recursion detection passes the Lambda trace id on
 * for loops through other Lambda-invoking services, and @connections invokes nothing; the logger
 * middleware logs nothing without a logger.
 */
export const UNNEEDED_MIDDLEWARE = ['recursionDetectionMiddleware', 'loggerMiddleware'] as const;

/**
 * Middleware that only costs here but that other middleware is placed next to by name, so a pass-through
 * takes its place: with one attempt the SDK's retry middleware only spends a token, a uuid and two headers
 * per call (the notifier retries), and the signing middleware goes after it; the user agent is telemetry
 * for AWS, built anew for every call, and Powertools places its own middleware after it.
 */
export const PASSED_THROUGH_MIDDLEWARE = [
  { name: 'retryMiddleware', step: 'finalizeRequest' },
  { name: 'getUserAgentMiddleware', step: 'build' },
] as const;

export class ManagementClientPool {
  private readonly clients = new Map<string, ApiGatewayManagementApiClient>();

  constructor(private readonly config: ManagementClientPoolConfig) {}

  /** The client for `https://{domain}/{stage}` (or a local `http://` endpoint), created on first use. */
  clientFor(endpoint: string): ApiGatewayManagementApiClient {
    const key = endpoint.replace(/\/+$/, '');
    let client = this.clients.get(key);
    if (client === undefined) {
      const agentOptions = { keepAlive: true, maxSockets: this.config.maxSockets };
      client = new ApiGatewayManagementApiClient({
        endpoint: key,
        region: this.config.region,
        // Retries are the notifier's, so that gone, throttled and too-large are each handled once.
        maxAttempts: 1,
        requestHandler: new EmptyAnswerHttpHandler({
          httpAgent: new HttpAgent(agentOptions),
          httpsAgent: new HttpsAgent(agentOptions),
          requestTimeout: this.config.requestTimeoutMs ?? 5_000,
          // Without this the handler only logs a warning and the request waits on: a stalled post
          // would hold its fan-out worker for good instead of failing and being retried.
          throwOnRequestTimeout: true,
          ...(this.config.warnings && { logger: sdkHttpLogger(this.config.warnings) }),
        }),
        credentials: this.config.credentials,
        // Resolve the middleware stack once per command type, not on every send. Middleware added later
        // (the tracer's) must be added before the first send, which is how the composition root does it.
        cacheMiddleware: true,
      });
      for (const name of UNNEEDED_MIDDLEWARE) client.middlewareStack.remove(name);
      for (const { name, step } of PASSED_THROUGH_MIDDLEWARE) {
        client.middlewareStack.remove(name);
        // One call per step: the stack's overloads take one literal step each.
        if (step === 'build') client.middlewareStack.add((next) => next, { step, name });
        else client.middlewareStack.add((next) => next, { step, name });
      }
      this.clients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
