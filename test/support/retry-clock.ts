// Test support: injected time for the @connections notifier, so a test sees retries by their planned delays
// and never waits for them.

import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { ManagementApiNotifier, type RetryPolicy } from '../../src/adapters/apigateway/index.js';

export class RetryClock {
  /** The delays the notifier slept, in order. */
  delays: number[] = [];
  now = 0;

  reset(): void {
    this.delays = [];
    this.now = 0;
  }

  /** A notifier that sleeps on this clock; its jitter always takes the whole delay (random 0.999). */
  notifier(client: ApiGatewayManagementApiClient, retry: RetryPolicy): ManagementApiNotifier {
    return new ManagementApiNotifier({
      client,
      retry,
      sleep: async (ms) => {
        this.delays.push(ms);
        this.now += ms;
      },
      random: () => 0.999,
      now: () => this.now,
    });
  }
}
