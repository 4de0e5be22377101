// Infra test support: reading planned resources (nested blocks, environments, IAM statements, route
// keys) and the checks that more than one module's suite makes: Lambda-proxied routes, default
// throttling and JSON access logs of a stage.

import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Planned, PlanView } from './plan.js';
import { REPOSITORY_ROOT, type RouteTableJson } from './workspace.js';

type Values = Record<string, unknown>;

/** The single nested block `name` of a planned resource (Terraform renders blocks as lists). */
export function block(resource: Planned, name: string): Values {
  const blocks = resource.after[name];
  if (!Array.isArray(blocks) || blocks.length !== 1) {
    throw new Error(`${resource.address} has no single ${name} block`);
  }
  return blocks[0] as Values;
}

export function environmentOf(resource: Planned): Record<string, string> {
  return block(resource, 'environment')['variables'] as Record<string, string>;
}

export function get<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`missing ${String(key)}`);
  return value;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: string | string[];
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
}

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function statementsOf(policy: unknown, where: string): Statement[] {
  if (typeof policy !== 'string') throw new Error(`${where}: the policy is not known in this plan`);
  return (JSON.parse(policy) as { Statement: Statement[] }).Statement;
}

export const X_RAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** "POST /rooms/{room}/messages" -> ["POST", "/rooms/{room}/messages"]. */
export function splitRouteKey(key: string): [method: string, path: string] {
  const space = key.indexOf(' ');
  return [key.slice(0, space), key.slice(space + 1)];
}

/** The functions serving the backend HTTP API, by route-table name. */
export const backendFunctions = (table: RouteTableJson): Set<string> =>
  new Set(Object.values(table.httpRoutes));

/** The functions whose route-table `sqs` actions let them hand fan-outs to the fan-out queue. */
export const queueSenders = (table: RouteTableJson): Set<string> =>
  new Set(
    Object.entries(table.functions)
      .filter(([, spec]) => (spec.sqs ?? []).length > 0)
      .map(([name]) => name),
  );

/** The functions a queue of the route table invokes (the fanout worker). */
export const queueWorkers = (table: RouteTableJson): Set<string> =>
  new Set(Object.values(table.queues).map((queue) => queue.function));

/**
 * The environment every chat function gets from the variables of examples/prod.tfvars; `prefix` is the
 * stack's name and environment, which name its table and its service.
 */
export function chatEnvironment(plan: PlanView, prefix: string): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: prefix,
    POWERTOOLS_METRICS_NAMESPACE: 'roomcast',
    POWERTOOLS_LOG_LEVEL: String(plan.variable('log_level')),
    SDK_TRACING: 'off',
    NODE_OPTIONS: '--enable-source-maps',
    TABLE_NAME: prefix,
    AUTH_MODE: String(plan.variable('auth_mode')),
    LOBBY_ROOM: String(plan.variable('lobby_room')),
    FAN_OUT_CONCURRENCY: String(plan.variable('fan_out_concurrency')),
    MESSAGE_RETENTION_DAYS: String(plan.variable('message_retention_days')),
    FAN_OUT_INLINE_MAX: String(plan.variable('fan_out_inline_max')),
    FAN_OUT_DELIVERIES_PER_JOB: String(plan.variable('fan_out_deliveries_per_job')),
    MEMBERS_PER_BUCKET: String(plan.variable('members_per_bucket')),
    ROOM_SHAPE_CACHE_MS: String(plan.variable('room_shape_cache_ms')),
  };
}

export const tableDefinition = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'src/adapters/dynamodb/table-definition.json'), 'utf8'),
) as {
  hashKey: string;
  rangeKey: string;
  attributes: { name: string; type: string }[];
  globalSecondaryIndexes: { name: string; hashKey: string; rangeKey: string; projectionType: string }[];
  ttlAttribute: string;
};

/**
 * Every route of `routes` (route key -> function) in `module` has its route and a Lambda proxy
 * integration (with `integration` on top), and every function serving them one permission for API
 * Gateway to invoke the live alias of `<prefix>-<function>`. Returns the planned routes by key, for the
 * checks that differ between the APIs.
 */
export function expectProxiedRoutes(
  plan: PlanView,
  module: string,
  routes: Readonly<Record<string, string>>,
  prefix: string,
  integration: Values = {},
): Map<string, Planned> {
  const routeKeys = Object.keys(routes).sort();
  const planned = plan.byKey('aws_apigatewayv2_route', module);
  const integrations = plan.byKey('aws_apigatewayv2_integration', module);
  const permissions = plan.byKey('aws_lambda_permission', module, 'function');

  expect([...planned.keys()].sort()).toEqual(routeKeys);
  expect([...integrations.keys()].sort()).toEqual(routeKeys);
  expect([...permissions.keys()].sort()).toEqual(
    [...new Set(Object.values(routes))].map((target) => `${prefix}-${target}`).sort(),
  );
  for (const [key, target] of Object.entries(routes)) {
    expect(get(planned, key).after['route_key']).toBe(key);
    expect(get(planned, key).unknown['target']).toBe(true);
    expect(get(integrations, key).after).toMatchObject({
      integration_type: 'AWS_PROXY',
      integration_method: 'POST',
      ...integration,
    });
    expect(get(permissions, `${prefix}-${target}`).after).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      function_name: `${prefix}-${target}`,
      qualifier: 'live',
    });
  }
  return planned;
}

/** The stage throttles every route by default with `expected` (and more settings besides), both above 0. */
export function expectDefaultRouteSettings(stage: Planned, expected: Values): Values {
  const settings = block(stage, 'default_route_settings');
  expect(settings).toMatchObject(expected);
  expect(settings['throttling_rate_limit']).toBeGreaterThan(0);
  expect(settings['throttling_burst_limit']).toBeGreaterThan(0);
  return settings;
}

/** The stage writes JSON access logs with at least `fields`, every one of them a $context variable. */
export function expectJsonAccessLogs(stage: Planned, fields: Readonly<Record<string, string>>): void {
  const format = JSON.parse(String(block(stage, 'access_log_settings')['format'])) as Record<string, string>;
  expect(format).toMatchObject(fields);
  for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
}
