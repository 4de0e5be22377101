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
}

export interface RouteTable {
  readonly routeSelectionExpression: string;
  readonly authorizer: { readonly function: FunctionName; readonly identitySources: readonly string[] };
  /** WebSocket route key -> function name. */
  readonly routes: Readonly<Record<string, FunctionName>>;
  /** Backend HTTP API route key (`METHOD /path/{param}`) -> function name. */
  readonly httpRoutes: Readonly<Record<string, FunctionName>>;
  readonly functions: Readonly<Record<FunctionName, FunctionSpec>>;
}

export const ROUTE_TABLE: RouteTable = table as RouteTable;
