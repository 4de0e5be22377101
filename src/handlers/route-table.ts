// Driving side: typed access to the one route table (src/handlers/route-table.json).

import table from './route-table.json' with { type: 'json' };

export type FunctionName = keyof typeof table.functions;

export interface FunctionSpec {
  /** File under src/handlers/functions exporting `handler`. */
  readonly entry: string;
  /** DynamoDB actions the function needs on the table and its indexes (least privilege). */
  readonly dynamodb: readonly string[];
  /** Whether it posts to or closes connections through the @connections API. */
  readonly manageConnections: boolean;
  /** SQS actions the function needs on the fan-out queue (SendMessage: it hands fan-outs to workers). */
  readonly sqs?: readonly string[];
}

/** A queue and the function its event source mapping invokes. */
export interface QueueSpec {
  readonly function: FunctionName;
  /** Records per invocation. One job per invocation keeps each invocation's work bounded by a shard. */
  readonly batchSize: number;
  /** Invocations at once (the mapping's `maximum_concurrency`, 2 to 1,000). */
  readonly maximumConcurrency: number;
  /** Receives before a job moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export interface RouteTable {
  readonly routeSelectionExpression: string;
  readonly authorizer: { readonly function: FunctionName; readonly identitySources: readonly string[] };
  /** WebSocket route key -> function name. */
  readonly routes: Readonly<Record<string, FunctionName>>;
  /** Backend HTTP API route key (`METHOD /path/{param}`) -> function name. */
  readonly httpRoutes: Readonly<Record<string, FunctionName>>;
  /** Queue name -> what consumes it. */
  readonly queues: Readonly<Record<string, QueueSpec>>;
  readonly functions: Readonly<Record<FunctionName, FunctionSpec>>;
}

export const ROUTE_TABLE: RouteTable = table as RouteTable;
