// Test support: records every AWS API call the functions of the local stack make, as the IAM action it
// needs and the resource it acts on, attributed to the route table's function that was running. A
// middleware goes onto each SDK client's stack at its first send (the clients stay the handlers' own); the
// function comes from an AsyncLocalStorage that `wrap` sets around each invocation.

import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LambdaHandler } from '../../src/local/emulator/gateway-config.js';

/** What a call acts on, in local terms: the planned stack turns it into an ARN. */
export type CallTarget =
  | { readonly kind: 'table'; readonly table: string; readonly index?: string }
  | { readonly kind: 'queue'; readonly queueUrl: string }
  | { readonly kind: 'connection'; readonly method: 'POST' | 'DELETE' | 'GET'; readonly connectionId: string }
  /** A client or command this recorder does not know: never granted, so it fails the check loudly. */
  | { readonly kind: 'unknown'; readonly client: string; readonly command: string };

export interface RecordedCall {
  /** The route table's function that made the call. */
  readonly fn: string;
  /** The IAM action the call is authorized by, `service:Action`. */
  readonly action: string;
  readonly target: CallTarget;
}

type Input = Record<string, unknown>;

const table = (input: Input): CallTarget => ({
  kind: 'table',
  table: String(input['TableName']),
  ...(typeof input['IndexName'] === 'string' ? { index: input['IndexName'] } : {}),
});

/** The item action of each kind of transaction item (transactions have no IAM action of their own). */
const TRANSACT_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

function dynamoDbCalls(operation: string, input: Input): Omit<RecordedCall, 'fn'>[] {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = (input['TransactItems'] ?? []) as Record<string, Input>[];
    return items.flatMap((item) =>
      Object.entries(item).map(([kind, body]) => ({
        action: `dynamodb:${TRANSACT_ITEM_ACTIONS[kind] ?? `${operation}.${kind}`}`,
        target: table(body),
      })),
    );
  }
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    // Batches are actions of their own, on each table they name.
    return Object.keys((input['RequestItems'] ?? {}) as Input).map((name) => ({
      action: `dynamodb:${operation}`,
      target: { kind: 'table', table: name },
    }));
  }
  return [{ action: `dynamodb:${operation}`, target: table(input) }];
}

/** SQS batches are authorized by the single-message action. */
const SQS_BATCH_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

const CONNECTION_METHODS: Readonly<Record<string, 'POST' | 'DELETE' | 'GET'>> = {
  PostToConnection: 'POST',
  DeleteConnection: 'DELETE',
  GetConnection: 'GET',
};

/** The IAM actions and resources of one SDK call, from the client's and the command's names. */
export function callsOf(client: string, command: string, input: Input): Omit<RecordedCall, 'fn'>[] {
  const operation = command.replace(/Command$/, '');
  if (client === 'DynamoDBClient') return dynamoDbCalls(operation, input);
  if (client === 'SQSClient') {
    return [
      {
        action: `sqs:${SQS_BATCH_ACTIONS[operation] ?? operation}`,
        target: { kind: 'queue', queueUrl: String(input['QueueUrl']) },
      },
    ];
  }
  const method = CONNECTION_METHODS[operation];
  if (client === 'ApiGatewayManagementApiClient' && method !== undefined) {
    return [
      {
        action: 'execute-api:ManageConnections',
        target: { kind: 'connection', method, connectionId: String(input['ConnectionId']) },
      },
    ];
  }
  return [{ action: `${client}:${operation}`, target: { kind: 'unknown', client, command } }];
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input: Input }) => Promise<unknown>,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: Input }) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}
type Send = (this: { middlewareStack: MiddlewareStackLike }, ...args: unknown[]) => unknown;
interface ClientPrototype {
  send: Send;
}

/**
 * Made before the stack starts (its `wrap` goes to the stack's `wrapFunction`), recording between
 * `start` and `stop`. Every AWS SDK client class shares one base class, whose `send` is wrapped so that
 * clients built later (the handlers build theirs on first use) get the middleware before their first
 * call, as clients that cache their middleware stack require.
 */
export class AwsCallRecorder {
  /** Every call made inside an invocation while recording, in order. */
  readonly calls: RecordedCall[] = [];
  /** Invocations of each function while recording. */
  readonly invocations = new Map<string, number>();
  private readonly running = new AsyncLocalStorage<string>();
  private readonly instrumented = new WeakSet<object>();
  private readonly originals = new Map<ClientPrototype, Send>();
  private recording = false;

  /** `handler` with the calls it makes attributed to the function `name`. */
  readonly wrap = (name: string, handler: LambdaHandler): LambdaHandler => {
    return (event, context) => {
      if (this.recording) this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
      return this.running.run(name, () => handler(event, context));
    };
  };

  private readonly middleware: Parameters<MiddlewareStackLike['add']>[0] =
    (next, context) => async (args) => {
      const fn = this.running.getStore();
      if (this.recording && fn !== undefined) {
        for (const call of callsOf(context.clientName ?? '?', context.commandName ?? '?', args.input)) {
          this.calls.push({ fn, ...call });
        }
      }
      return next(args);
    };

  start(): void {
    if (this.recording) return;
    this.recording = true;
    const { instrumented, middleware } = this;
    const bases = new Set(
      [DynamoDBClient, SQSClient, ApiGatewayManagementApiClient].map(
        (type) => Object.getPrototypeOf(type.prototype) as ClientPrototype,
      ),
    );
    for (const base of bases) {
      const original = base.send;
      this.originals.set(base, original);
      base.send = function (this, ...args) {
        // A document client shares its inner client's stack: one middleware serves both.
        if (!instrumented.has(this.middlewareStack)) {
          instrumented.add(this.middlewareStack);
          this.middlewareStack.add(middleware, {
            step: 'initialize',
            name: 'awsCallRecorder',
            priority: 'high',
          });
        }
        return original.apply(this, args);
      };
    }
  }

  /** Puts `send` back; the middleware already on clients records nothing from then on. */
  stop(): void {
    this.recording = false;
    for (const [base, original] of this.originals) base.send = original;
    this.originals.clear();
  }
}
