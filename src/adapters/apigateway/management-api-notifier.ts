// Driven adapter: NotifierPort on API Gateway's @connections management API
// (PostToConnection to deliver, DeleteConnection to close).

import {
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type {
  ConnectionId,
  DeliveryOptions,
  DeliveryOutcome,
  NotifierPort,
  ServerEvent,
} from '../../domain/index.js';
import { DeliveryError, PayloadTooLargeError } from './delivery-errors.js';
import { NotStartedError, type InFlightLimit, type Turn } from './in-flight-limit.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export interface ManagementApiNotifierConfig {
  readonly client: ApiGatewayManagementApiClient;
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Milliseconds, for the retry time budget. */
  readonly now?: () => number;
  /**
   * Caps the calls in flight (the client's socket pool size). Concurrent fan-outs in one process would
   * otherwise queue requests inside the HTTP agent, where waiting for a socket counts against the
   * request timeout.
   */
  readonly limit?: InFlightLimit;
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A fan-out posts one event to many connections: encode it once. */
const encoded = new WeakMap<ServerEvent, Uint8Array>();

function encode(event: ServerEvent): Uint8Array {
  let data = encoded.get(event);
  if (data === undefined) {
    data = new TextEncoder().encode(JSON.stringify(event));
    encoded.set(event, data);
  }
  return data;
}

export class ManagementApiNotifier implements NotifierPort {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly config: ManagementApiNotifierConfig) {
    this.retry = config.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = config.random ?? Math.random;
    this.now = config.now ?? Date.now;
  }

  async deliver(
    connectionId: ConnectionId,
    event: ServerEvent,
    options: DeliveryOptions = {},
  ): Promise<DeliveryOutcome> {
    const command = new PostToConnectionCommand({ ConnectionId: connectionId, Data: encode(event) });
    const turn: Turn = { lane: options.reply === true ? 'reply' : 'delivery', startBy: options.startBy };
    try {
      return await this.withRetries(connectionId, async () => {
        await this.limited(() => this.config.client.send(command), turn);
        return 'delivered' as const;
      });
    } catch (error) {
      if (error instanceof NotStartedError) return 'late';
      throw error;
    }
  }

  private limited<T>(call: () => Promise<T>, turn: Turn = {}): Promise<T> {
    return this.config.limit === undefined ? call() : this.config.limit.run(call, turn);
  }

  async close(connectionId: ConnectionId): Promise<'closed' | 'gone'> {
    const command = new DeleteConnectionCommand({ ConnectionId: connectionId });
    const outcome = await this.withRetries(connectionId, async () => {
      await this.limited(() => this.config.client.send(command));
      return 'delivered' as const;
    });
    return outcome === 'gone' ? 'gone' : 'closed';
  }

  private async withRetries(
    connectionId: ConnectionId,
    attempt: () => Promise<'delivered'>,
  ): Promise<DeliveryOutcome> {
    const startedAt = this.now();
    for (let attempts = 1; ; attempts += 1) {
      try {
        return await attempt();
      } catch (error) {
        // Out of time before the first try, or before a retry could start: the caller hands it on.
        if (error instanceof NotStartedError) throw error;
        const sdkError = error as SdkError;
        const status = sdkError.$metadata?.httpStatusCode;
        const code = sdkError.name;
        // SDK v3 errors carry no `statusCode`: recognise gone by class, name or HTTP status.
        if (error instanceof GoneException || code === 'GoneException' || status === 410) return 'gone';
        const details = { attempts, status, ...(code ? { code } : {}) };
        if (code === 'PayloadTooLargeException' || status === 413) {
          throw new PayloadTooLargeError(
            connectionId,
            'The event is larger than the @connections API accepts',
            details,
            {
              cause: error,
            },
          );
        }
        const delay = backoffDelay(attempts - 1, this.retry, this.random);
        const retryable = isRetryable(code, status);
        if (
          !retryable ||
          attempts >= this.retry.maxAttempts ||
          this.now() - startedAt + delay > this.retry.maxElapsedMs
        ) {
          const why = retryable ? `still failing after ${attempts} attempts` : 'not retryable';
          throw new DeliveryError(
            connectionId,
            `Delivery to ${connectionId} failed (${code ?? status}): ${why}`,
            details,
            {
              cause: error,
            },
          );
        }
        await this.sleep(delay);
      }
    }
  }
}

/** Throttling (429), server errors (5xx) and network failures are worth another try. */
function isRetryable(code: string | undefined, status: number | undefined): boolean {
  if (code === 'LimitExceededException' || code === 'ThrottlingException' || status === 429) return true;
  if (status !== undefined) return status >= 500;
  return code !== 'ForbiddenException';
}
