// Driven adapter support: one @connections API client per endpoint, kept for the life of the process
// (warm Lambda invocations reuse it), with a keep-alive socket pool sized for the fan-out.

import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface ManagementClientPoolConfig {
  readonly region: string;
  /** Sockets per endpoint: at least the fan-out concurrency, so deliveries never queue for a socket. */
  readonly maxSockets: number;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly requestTimeoutMs?: number;
}

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
        requestHandler: new NodeHttpHandler({
          httpAgent: new HttpAgent(agentOptions),
          httpsAgent: new HttpsAgent(agentOptions),
          requestTimeout: this.config.requestTimeoutMs ?? 5_000,
          // Without this the handler only logs a warning and the request waits on: a stalled post
          // would hold its fan-out worker for good instead of failing and being retried.
          throwOnRequestTimeout: true,
        }),
        credentials: this.config.credentials,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
