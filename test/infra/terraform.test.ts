// Infra: the Terraform configuration, checked offline. Every module is formatted and valid; the root
// module is planned from a throwaway copy (provider from a local plugin directory, fake credentials, no
// AWS call) and `terraform show -json` of the plan is checked against the route table and the table
// definition: WebSocket routes, authorizer, stage, backend HTTP API routes (SigV4 only) and its stage,
// functions, table, log retention and least-privilege IAM.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  existingStackState,
  FAKE_ACCOUNT,
  FAKE_API_ID,
  FAKE_AUTHORIZER_ID,
  FAKE_HTTP_API_ID,
  type PlanView,
} from './support/plan.js';
import type { Planned } from './support/plan.js';
import { locateToolchain } from './support/toolchain.js';
import {
  REPOSITORY_ROOT,
  TerraformFailure,
  TerraformWorkspace,
  type RouteTableJson,
} from './support/workspace.js';

const PLAN_TIMEOUT = 180_000;
/** Module addresses of the WebSocket API and of the backend HTTP API. */
const WS = 'module.api';
const HTTP = 'module.backend_api';
const toolchain = await locateToolchain();

if (!toolchain.ready) {
  if (process.env['REQUIRE_TERRAFORM'] === '1') {
    describe('terraform toolchain', () => {
      it('is present, as REQUIRE_TERRAFORM=1 demands', () => {
        throw new Error(`The infra suites cannot run: ${toolchain.reason}.`);
      });
    });
  } else {
    // One plain line (console.warn would add a code frame): the suite below then reports as skipped.
    process.stderr.write(
      `\ninfra tests SKIPPED: ${toolchain.reason}. They need terraform >= 1.9 and a local hashicorp/aws ` +
        'provider; REQUIRE_TERRAFORM=1 makes this a failure.\n',
    );
  }
}

const suite = toolchain.ready ? describe : describe.skip;

async function workspace(editRouteTable?: Parameters<typeof TerraformWorkspace.create>[0]['editRouteTable']) {
  if (!toolchain.ready) throw new Error('terraform toolchain missing');
  return TerraformWorkspace.create({
    terraform: toolchain.terraform,
    pluginDir: toolchain.pluginDir,
    ...(editRouteTable ? { editRouteTable } : {}),
  });
}

type Values = Record<string, unknown>;

/** The single nested block `name` of a planned resource (Terraform renders blocks as lists). */
function block(resource: Planned, name: string): Values {
  const blocks = resource.after[name];
  if (!Array.isArray(blocks) || blocks.length !== 1) {
    throw new Error(`${resource.address} has no single ${name} block`);
  }
  return blocks[0] as Values;
}

function environmentOf(resource: Planned): Record<string, string> {
  return block(resource, 'environment')['variables'] as Record<string, string>;
}

function get<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`missing ${String(key)}`);
  return value;
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: string | string[];
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function statementsOf(policy: unknown, where: string): Statement[] {
  if (typeof policy !== 'string') throw new Error(`${where}: the policy is not known in this plan`);
  return (JSON.parse(policy) as { Statement: Statement[] }).Statement;
}

const X_RAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** "POST /rooms/{room}/messages" -> ["POST", "/rooms/{room}/messages"]. */
function splitRouteKey(key: string): [method: string, path: string] {
  const space = key.indexOf(' ');
  return [key.slice(0, space), key.slice(space + 1)];
}

/** The functions serving the backend HTTP API, by route-table name. */
const backendFunctions = (table: RouteTableJson): Set<string> => new Set(Object.values(table.httpRoutes));

/** The environment every chat function gets from the variables of examples/prod.tfvars. */
function chatEnvironment(plan: PlanView, tableName: string): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: 'roomcast',
    POWERTOOLS_METRICS_NAMESPACE: 'roomcast',
    POWERTOOLS_LOG_LEVEL: String(plan.variable('log_level')),
    SDK_TRACING: 'off',
    NODE_OPTIONS: '--enable-source-maps',
    TABLE_NAME: tableName,
    AUTH_MODE: String(plan.variable('auth_mode')),
    LOBBY_ROOM: String(plan.variable('lobby_room')),
    FAN_OUT_CONCURRENCY: String(plan.variable('fan_out_concurrency')),
    MESSAGE_RETENTION_DAYS: String(plan.variable('message_retention_days')),
  };
}

const tableDefinition = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'src/adapters/dynamodb/table-definition.json'), 'utf8'),
) as {
  hashKey: string;
  rangeKey: string;
  attributes: { name: string; type: string }[];
  globalSecondaryIndexes: { name: string; hashKey: string; rangeKey: string; projectionType: string }[];
  ttlAttribute: string;
};

suite('terraform sources', () => {
  let tf: TerraformWorkspace;
  const modules = readdirSync(join(REPOSITORY_ROOT, 'terraform/modules')).map((name) => `modules/${name}`);

  beforeAll(async () => {
    tf = await workspace();
  });

  afterAll(async () => {
    await tf?.dispose();
  });

  it('are formatted (terraform fmt -check -recursive)', async () => {
    await expect(
      tf.terraform(['fmt', '-check', '-recursive', '-diff', '-no-color', 'terraform'], REPOSITORY_ROOT),
    ).resolves.toBe('');
  });

  it('hold a module per concern, each with main.tf, variables.tf, outputs.tf and versions.tf', () => {
    expect(modules.sort()).toEqual([
      'modules/function',
      'modules/http_api',
      'modules/table',
      'modules/websocket_api',
    ]);
    for (const module of ['.', ...modules]) {
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) {
        expect([module, existsSync(join(REPOSITORY_ROOT, 'terraform', module, file))]).toEqual([
          module,
          true,
        ]);
      }
    }
  });

  it('type and describe every variable and describe every output', () => {
    for (const module of ['.', ...modules]) {
      for (const [file, kind, needs] of [
        ['variables.tf', 'variable', ['description', 'type']],
        ['outputs.tf', 'output', ['description', 'value']],
      ] as const) {
        const text = readFileSync(join(REPOSITORY_ROOT, 'terraform', module, file), 'utf8');
        const blocks = text.split(new RegExp(`^${kind} "`, 'm')).slice(1);
        expect(blocks.length).toBeGreaterThan(0);
        for (const body of blocks) {
          const name = body.slice(0, body.indexOf('"'));
          for (const argument of needs) {
            expect([
              `${module}/${file}`,
              name,
              argument,
              new RegExp(`^\\s+${argument}\\s+=`, 'm').test(body),
            ]).toEqual([`${module}/${file}`, name, argument, true]);
          }
        }
      }
    }
  });

  it.each(['.', 'modules/function', 'modules/http_api', 'modules/table', 'modules/websocket_api'])(
    'validate %s (terraform validate)',
    async (module) => {
      const dir = join(tf.terraformDir, module);
      await tf.init(dir, { backend: false });
      const result = JSON.parse(await tf.terraform(['validate', '-json', '-no-color'], dir)) as {
        valid: boolean;
        diagnostics: { severity: string; summary: string; detail?: string }[];
      };
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
    },
    PLAN_TIMEOUT,
  );
});

suite('plan of a new stack (examples/prod.tfvars: JWT authorizer)', () => {
  let tf: TerraformWorkspace;
  let plan: PlanView;
  const prefix = 'roomcast-prod';

  beforeAll(async () => {
    tf = await workspace();
    await tf.init();
    plan = await tf.plan('examples/prod.tfvars');
  }, PLAN_TIMEOUT);

  afterAll(async () => {
    await tf?.dispose();
  });

  it('creates a WebSocket API that picks routes with the route table selection expression', () => {
    const api = plan.resource('module.api.aws_apigatewayv2_api.this');
    expect(api.after).toMatchObject({
      protocol_type: 'WEBSOCKET',
      route_selection_expression: tf.routeTable.routeSelectionExpression,
    });
  });

  it('has a route, a Lambda proxy integration and an invoke permission for every route of the route table', () => {
    const routeKeys = Object.keys(tf.routeTable.routes).sort();
    const routes = plan.byKey('aws_apigatewayv2_route', WS);
    const integrations = plan.byKey('aws_apigatewayv2_integration', WS);
    const permissions = plan.byKey('aws_lambda_permission', WS, 'route');

    expect([...routes.keys()].sort()).toEqual(routeKeys);
    expect([...integrations.keys()].sort()).toEqual(routeKeys);
    expect([...permissions.keys()].sort()).toEqual(routeKeys);
    for (const [key, target] of Object.entries(tf.routeTable.routes)) {
      expect(get(routes, key).after['route_key']).toBe(key);
      expect(get(routes, key).unknown['target']).toBe(true);
      expect(get(integrations, key).after).toMatchObject({
        integration_type: 'AWS_PROXY',
        integration_method: 'POST',
      });
      expect(get(permissions, key).after).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        function_name: `${prefix}-${target}`,
      });
    }
  });

  it('attaches the REQUEST authorizer, reading route.request.querystring.token, to $connect only', () => {
    const [authorizer, ...others] = plan.resources('aws_apigatewayv2_authorizer');
    expect(others).toEqual([]);
    expect(authorizer?.after).toMatchObject({
      authorizer_type: 'REQUEST',
      identity_sources: ['route.request.querystring.token'],
    });
    expect(tf.routeTable.authorizer.identitySources).toEqual(['route.request.querystring.token']);

    for (const [key, route] of plan.byKey('aws_apigatewayv2_route', WS)) {
      if (key === '$connect') {
        expect(route.after['authorization_type']).toBe('CUSTOM');
        expect(route.unknown['authorizer_id']).toBe(true);
      } else {
        expect([key, route.after['authorization_type'], route.after['authorizer_id'] ?? null]).toEqual([
          key,
          'NONE',
          null,
        ]);
        expect(route.unknown['authorizer_id']).toBeFalsy();
      }
    }
    const permission = plan.resource('module.api.aws_lambda_permission.authorizer[0]');
    expect(permission.after).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      function_name: `${prefix}-${tf.routeTable.authorizer.function}`,
    });
  });

  it('redeploys the API whenever a route, an integration or the authorizer changes', () => {
    const deployment = plan.resource('module.api.aws_apigatewayv2_deployment.this');
    expect(deployment.unknown['triggers']).toBe(true);
    expect(plan.references(['api'], 'aws_apigatewayv2_deployment.this', 'triggers')).toEqual(
      expect.arrayContaining([
        'aws_apigatewayv2_route.this',
        'aws_apigatewayv2_integration.this',
        'aws_apigatewayv2_authorizer.this',
      ]),
    );
    expect(plan.references(['api'], 'aws_apigatewayv2_stage.this', 'deployment_id')).toContain(
      'aws_apigatewayv2_deployment.this.id',
    );
  });

  it('throttles every route of the stage by default and writes JSON access logs', () => {
    const stage = plan.resource('module.api.aws_apigatewayv2_stage.this');
    expect(stage.after['name']).toBe('prod');
    const settings = block(stage, 'default_route_settings');
    expect(settings).toMatchObject({
      throttling_rate_limit: plan.variable('throttling_rate_limit'),
      throttling_burst_limit: plan.variable('throttling_burst_limit'),
      detailed_metrics_enabled: true,
      data_trace_enabled: false,
      logging_level: 'ERROR',
    });
    expect(settings['throttling_rate_limit']).toBeGreaterThan(0);
    expect(settings['throttling_burst_limit']).toBeGreaterThan(0);

    const format = JSON.parse(String(block(stage, 'access_log_settings')['format'])) as Record<
      string,
      string
    >;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      connectionId: '$context.connectionId',
      routeKey: '$context.routeKey',
      eventType: '$context.eventType',
      status: '$context.status',
      integrationError: '$context.integration.error',
      authorizerError: '$context.authorizer.error',
      errorMessage: '$context.error.message',
    });
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
  });

  it('runs every function on nodejs22.x and arm64 from its own package, with JSON logs and active tracing', () => {
    const functions = plan.perFunction('aws_lambda_function');
    expect([...functions.keys()].sort()).toEqual(Object.keys(tf.routeTable.functions).sort());
    for (const [name, fn] of functions) {
      expect(fn.after).toMatchObject({
        function_name: `${prefix}-${name}`,
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        source_code_hash: tf.packageHashes.get(name),
      });
      expect(String(fn.after['filename'])).toMatch(new RegExp(`(^|/)dist/${name}\\.zip$`));
      expect(block(fn, 'tracing_config')).toEqual({ mode: 'Active' });
      expect(block(fn, 'logging_config')).toMatchObject({
        log_format: 'JSON',
        log_group: `/aws/lambda/${prefix}-${name}`,
        application_log_level: 'INFO',
      });
    }
  });

  it('configures the chat functions and the authorizer from variables', () => {
    const functions = plan.perFunction('aws_lambda_function');
    const authorizerName = tf.routeTable.authorizer.function;
    const backend = backendFunctions(tf.routeTable);
    const powertools = {
      POWERTOOLS_SERVICE_NAME: 'roomcast',
      POWERTOOLS_METRICS_NAMESPACE: 'roomcast',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      SDK_TRACING: 'off',
      NODE_OPTIONS: '--enable-source-maps',
    };
    expect(backend.size).toBeGreaterThan(0);
    for (const [name, fn] of functions) {
      if (backend.has(name)) {
        // MANAGEMENT_ENDPOINT names an API that does not exist yet; the plan on top of an existing
        // stack below checks the whole environment.
        expect([name, fn.unknown['environment']]).toEqual([name, [{ variables: true }]]);
        continue;
      }
      const environment = environmentOf(fn);
      if (name === authorizerName) {
        expect(environment).toEqual({
          ...powertools,
          COGNITO_USER_POOL_ID: plan.variable('cognito_user_pool_id'),
          COGNITO_CLIENT_ID: (plan.variable('cognito_client_ids') as string[]).join(','),
        });
      } else {
        expect(environment).toEqual({
          ...powertools,
          TABLE_NAME: prefix,
          AUTH_MODE: 'jwt',
          LOBBY_ROOM: 'lobby',
          FAN_OUT_CONCURRENCY: String(plan.variable('fan_out_concurrency')),
          MESSAGE_RETENTION_DAYS: String(plan.variable('message_retention_days')),
        });
      }
    }
  });

  it('describes each function by the routes it serves: WebSocket route keys, or backend API route keys', () => {
    const backend = backendFunctions(tf.routeTable);
    for (const [name, fn] of plan.perFunction('aws_lambda_function')) {
      const description = String(fn.after['description']);
      if (name === tf.routeTable.authorizer.function) {
        expect(description).toBe('roomcast: $connect authorizer');
      } else if (backend.has(name)) {
        const keys = Object.keys(tf.routeTable.httpRoutes)
          .filter((key) => tf.routeTable.httpRoutes[key] === name)
          .sort();
        expect([name, description]).toEqual([name, `roomcast backend API: ${keys.join(', ')}`]);
      } else {
        const keys = Object.keys(tf.routeTable.routes)
          .filter((key) => tf.routeTable.routes[key] === name)
          .sort();
        expect([name, description]).toEqual([name, `roomcast: ${keys.join(', ')}`]);
      }
    }
  });

  it('creates the backend HTTP API next to the WebSocket API', () => {
    expect(plan.resource(`${HTTP}.aws_apigatewayv2_api.this`).after).toMatchObject({
      name: `${prefix}-backend`,
      protocol_type: 'HTTP',
    });
    expect(
      plan
        .resources('aws_apigatewayv2_api')
        .map((api) => api.module)
        .sort(),
    ).toEqual([WS, HTTP].sort());
  });

  it('has a SigV4-only (AWS_IAM) route, a payload 2.0 Lambda proxy integration and an invoke permission for every backend route of the route table', () => {
    const routeKeys = Object.keys(tf.routeTable.httpRoutes).sort();
    expect(routeKeys.length).toBeGreaterThan(0);
    const routes = plan.byKey('aws_apigatewayv2_route', HTTP);
    const integrations = plan.byKey('aws_apigatewayv2_integration', HTTP);
    const permissions = plan.byKey('aws_lambda_permission', HTTP, 'route');

    expect([...routes.keys()].sort()).toEqual(routeKeys);
    expect([...integrations.keys()].sort()).toEqual(routeKeys);
    expect([...permissions.keys()].sort()).toEqual(routeKeys);
    for (const [key, target] of Object.entries(tf.routeTable.httpRoutes)) {
      const route = get(routes, key);
      expect([key, route.after['route_key'], route.after['authorization_type']]).toEqual([
        key,
        key,
        'AWS_IAM',
      ]);
      expect([key, route.after['authorizer_id'] ?? null, route.unknown['authorizer_id'] ?? false]).toEqual([
        key,
        null,
        false,
      ]);
      expect(route.unknown['target']).toBe(true);
      expect(get(integrations, key).after).toMatchObject({
        integration_type: 'AWS_PROXY',
        integration_method: 'POST',
        payload_format_version: '2.0',
      });
      expect(get(permissions, key).after).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        function_name: `${prefix}-${target}`,
      });
    }
    // Nothing else answers on the backend API: no catch-all route, no route without SigV4.
    expect(plan.resources('aws_apigatewayv2_route').filter((route) => route.module === HTTP)).toHaveLength(
      routeKeys.length,
    );
  });

  it('auto-deploys the backend API on its $default stage, throttled by its own variables, with JSON access logs', () => {
    const stage = plan.resource(`${HTTP}.aws_apigatewayv2_stage.this`);
    expect(stage.after).toMatchObject({ name: '$default', auto_deploy: true });
    const settings = block(stage, 'default_route_settings');
    expect(settings).toMatchObject({
      throttling_rate_limit: plan.variable('backend_api_throttling_rate_limit'),
      throttling_burst_limit: plan.variable('backend_api_throttling_burst_limit'),
      detailed_metrics_enabled: true,
    });
    expect(settings['throttling_rate_limit']).toBeGreaterThan(0);
    expect(settings['throttling_burst_limit']).toBeGreaterThan(0);
    expect(settings['throttling_rate_limit']).not.toBe(plan.variable('throttling_rate_limit'));

    const logs = block(stage, 'access_log_settings');
    expect(stage.unknown['access_log_settings']).toEqual([{ destination_arn: true }]);
    const format = JSON.parse(String(logs['format'])) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      callerArn: '$context.identity.userArn',
      integrationError: '$context.integration.error',
      errorMessage: '$context.error.message',
    });
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
  });

  it('builds the table from table-definition.json: on demand, TTL, point-in-time recovery, encryption, protected', () => {
    const table = plan.resource('module.table.aws_dynamodb_table.this');
    expect(table.after).toMatchObject({
      name: prefix,
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: tableDefinition.hashKey,
      range_key: tableDefinition.rangeKey,
      deletion_protection_enabled: true,
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...(table.after['attribute'] as { name: string; type: string }[])].sort(byName)).toEqual(
      [...tableDefinition.attributes].sort(byName),
    );
    expect(
      (table.after['global_secondary_index'] as Values[]).map((index) => [
        index['name'],
        index['hash_key'],
        index['range_key'],
        index['projection_type'],
      ]),
    ).toEqual(
      tableDefinition.globalSecondaryIndexes.map((index) => [
        index.name,
        index.hashKey,
        index.rangeKey,
        index.projectionType,
      ]),
    );
    expect(block(table, 'ttl')).toEqual({ enabled: true, attribute_name: tableDefinition.ttlAttribute });
    expect(block(table, 'point_in_time_recovery')['enabled']).toBe(true);
    expect(block(table, 'server_side_encryption')['enabled']).toBe(true);
  });

  it('gives every log group a retention: one per function, both access logs and the execution logs', () => {
    const groups = plan.resources('aws_cloudwatch_log_group');
    expect(groups.length).toBe(Object.keys(tf.routeTable.functions).length + 3);
    for (const group of groups) {
      expect([group.address, group.after['retention_in_days']]).toEqual([
        group.address,
        plan.variable('log_retention_days'),
      ]);
    }
    expect([...plan.perFunction('aws_cloudwatch_log_group').keys()].sort()).toEqual(
      Object.keys(tf.routeTable.functions).sort(),
    );
    expect(plan.resource('module.api.aws_cloudwatch_log_group.access').after['name']).toBe(
      `/aws/apigateway/${prefix}/prod/access`,
    );
    expect(plan.resource('module.api.aws_cloudwatch_log_group.execution[0]').unknown['name']).toBe(true);
    expect(plan.resource(`${HTTP}.aws_cloudwatch_log_group.access`).after).toEqual(
      expect.objectContaining({
        name: `/aws/apigateway/${prefix}-backend/access`,
        retention_in_days: plan.variable('log_retention_days'),
      }),
    );
  });

  it('gives each function its own role, which only Lambda may assume', () => {
    const roles = plan.perFunction('aws_iam_role');
    expect([...roles.keys()].sort()).toEqual(Object.keys(tf.routeTable.functions).sort());
    for (const [name, role] of roles) {
      expect(role.after['name']).toBe(`${prefix}-${name}`);
      const [trust, ...more] = statementsOf(role.after['assume_role_policy'], role.address);
      expect(more).toEqual([]);
      expect(trust).toEqual({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
    }
  });

  it('outputs the table name and every function name', () => {
    expect(plan.output('table_name')).toBe(prefix);
    expect(plan.output('function_names')).toEqual(
      Object.fromEntries(Object.keys(tf.routeTable.functions).map((name) => [name, `${prefix}-${name}`])),
    );
    expect(plan.output('auth_mode')).toBe('jwt');
    expect(Object.keys(plan.json.planned_values.outputs ?? {})).toEqual(
      expect.arrayContaining([
        'backend_api_url',
        'backend_api_id',
        'backend_api_execution_arn',
        'backend_api_invoke_arns',
        'backend_api_invoke_policy',
      ]),
    );
  });

  describe('planned again on top of the existing stack, where every ARN is known', () => {
    let existing: PlanView;
    const region = 'eu-west-1';
    const executionArn = `arn:aws:execute-api:${region}:${FAKE_ACCOUNT}:${FAKE_API_ID}`;
    const httpExecutionArn = `arn:aws:execute-api:${region}:${FAKE_ACCOUNT}:${FAKE_HTTP_API_ID}`;
    const managementEndpoint = `https://${FAKE_API_ID}.execute-api.${region}.amazonaws.com/prod`;
    const tableArn = `arn:aws:dynamodb:${region}:${FAKE_ACCOUNT}:table/${prefix}`;

    const policies = () => existing.perFunction('aws_iam_role_policy');
    const statementsFor = (name: string) => {
      const policy = get(policies(), name);
      return statementsOf(policy.after['policy'], policy.address);
    };

    beforeAll(async () => {
      expect(plan.variable('region')).toBe(region);
      await tf.writeState(existingStackState(plan, region));
      existing = await tf.plan('examples/prod.tfvars', ['-refresh=false']);
    }, PLAN_TIMEOUT);

    it('keeps the existing API, table and functions in place', () => {
      for (const address of [
        'module.api.aws_apigatewayv2_api.this',
        `${HTTP}.aws_apigatewayv2_api.this`,
        `${HTTP}.aws_apigatewayv2_stage.this`,
        'module.table.aws_dynamodb_table.this',
        ...Object.keys(tf.routeTable.functions).map(
          (name) => `module.functions["${name}"].aws_lambda_function.this`,
        ),
      ]) {
        expect([address, existing.resource(address).actions.includes('delete')]).toEqual([address, false]);
      }
    });

    it('has an inline policy for every function, and no other policies on function roles', () => {
      expect([...policies().keys()].sort()).toEqual(Object.keys(tf.routeTable.functions).sort());
      expect(existing.resources('aws_iam_policy')).toEqual([]);
      const attachments = existing.resources('aws_iam_role_policy_attachment');
      expect(attachments.map((attachment) => attachment.module)).toEqual(['module.api']);
    });

    it('grants each function exactly the DynamoDB actions of the route table, on the table and its indexes', () => {
      for (const [name, spec] of Object.entries(tf.routeTable.functions)) {
        const statements = statementsFor(name).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('dynamodb:')),
        );
        const granted = [...new Set(statements.flatMap((statement) => asList(statement.Action)))].sort();
        expect([name, granted]).toEqual([name, spec.dynamodb.map((action) => `dynamodb:${action}`).sort()]);
        for (const statement of statements) {
          const actions = asList(statement.Action);
          const resources = asList(statement.Resource);
          if (resources.some((resource) => resource.endsWith('/index/*'))) {
            expect([name, resources]).toEqual([name, [`${tableArn}/index/*`]]);
            expect(actions.every((action) => ['dynamodb:Query', 'dynamodb:Scan'].includes(action))).toBe(
              true,
            );
          } else {
            expect([name, resources]).toEqual([name, [tableArn]]);
          }
        }
        const queries = spec.dynamodb.includes('Query');
        expect([name, statements.some((s) => asList(s.Resource).includes(`${tableArn}/index/*`))]).toEqual([
          name,
          queries,
        ]);
      }
    });

    it("lets only the functions that reply manage connections, and only on this stage's @connections", () => {
      for (const [name, spec] of Object.entries(tf.routeTable.functions)) {
        const statements = statementsFor(name).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('execute-api:')),
        );
        if (!spec.manageConnections) {
          expect([name, statements]).toEqual([name, []]);
          continue;
        }
        expect(statements).toHaveLength(1);
        expect(asList(statements[0]?.Action)).toEqual(['execute-api:ManageConnections']);
        expect(asList(statements[0]?.Resource).sort()).toEqual([
          `${executionArn}/prod/DELETE/@connections/*`,
          `${executionArn}/prod/POST/@connections/*`,
        ]);
      }
      const holders = Object.entries(tf.routeTable.functions).filter(([, spec]) => spec.manageConnections);
      expect(holders.length).toBeLessThan(Object.keys(tf.routeTable.functions).length);
    });

    it("writes each function's logs to its own log group only", () => {
      for (const name of Object.keys(tf.routeTable.functions)) {
        const statements = statementsFor(name).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('logs:')),
        );
        expect(statements).toHaveLength(1);
        expect(asList(statements[0]?.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
        expect(asList(statements[0]?.Resource)).toEqual([
          `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:/aws/lambda/${prefix}-${name}:*`,
        ]);
      }
    });

    it('grants no wildcard action, and a wildcard resource only for X-Ray, which has no resource-level permissions', () => {
      for (const [name, policy] of policies()) {
        for (const statement of statementsOf(policy.after['policy'], policy.address)) {
          const where = `${name}: ${JSON.stringify(statement)}`;
          expect([where, statement.Effect]).toEqual([where, 'Allow']);
          expect([where, statement.NotAction, statement.NotResource]).toEqual([where, undefined, undefined]);
          const actions = asList(statement.Action);
          expect([where, actions.filter((action) => action.includes('*'))]).toEqual([where, []]);

          const allowedWildcards = [
            `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:/aws/lambda/${prefix}-${name}:*`,
            `${tableArn}/index/*`,
            `${executionArn}/prod/POST/@connections/*`,
            `${executionArn}/prod/DELETE/@connections/*`,
          ];
          for (const resource of asList(statement.Resource)) {
            if (resource === '*') {
              expect([where, [...actions].sort()]).toEqual([where, X_RAY_ACTIONS]);
            } else if (resource.includes('*')) {
              expect([where, allowedWildcards.includes(resource)]).toEqual([where, true]);
            }
          }
        }
      }
    });

    it("lets API Gateway invoke each function from its own route of this stage only, and the authorizer as this API's authorizer", () => {
      for (const [key, permission] of existing.byKey('aws_lambda_permission', WS, 'route')) {
        expect(permission.after['source_arn']).toBe(`${executionArn}/prod/${key}`);
      }
      expect(existing.resource('module.api.aws_lambda_permission.authorizer[0]').after['source_arn']).toBe(
        `${executionArn}/authorizers/${FAKE_AUTHORIZER_ID}`,
      );
    });

    it('integrates every route with the function the route table names', () => {
      for (const [key, integration] of existing.byKey('aws_apigatewayv2_integration', WS)) {
        const target = tf.routeTable.routes[key];
        expect(integration.after['integration_uri']).toBe(
          `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/` +
            `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${prefix}-${target}/invocations`,
        );
      }
      expect(
        existing.resource('module.api.aws_apigatewayv2_authorizer.this[0]').after['authorizer_uri'],
      ).toContain(`:function:${prefix}-${tf.routeTable.authorizer.function}/invocations`);
    });

    it("sends the stage's access logs to its own log group, and names the execution log group after the API", () => {
      const stage = existing.resource('module.api.aws_apigatewayv2_stage.this');
      expect(block(stage, 'access_log_settings')['destination_arn']).toBe(
        `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:/aws/apigateway/${prefix}/prod/access`,
      );
      expect(existing.resource('module.api.aws_cloudwatch_log_group.execution[0]').after['name']).toBe(
        `API-Gateway-Execution-Logs_${FAKE_API_ID}/prod`,
      );
    });

    it("gives the backend API functions the chat settings and the WebSocket stage's @connections endpoint, and no other function that endpoint", () => {
      const backend = backendFunctions(tf.routeTable);
      expect(existing.output('management_endpoint')).toBe(managementEndpoint);
      for (const [name, fn] of existing.perFunction('aws_lambda_function')) {
        const environment = environmentOf(fn);
        if (backend.has(name)) {
          expect([name, environment]).toEqual([
            name,
            { ...chatEnvironment(existing, prefix), MANAGEMENT_ENDPOINT: managementEndpoint },
          ]);
        } else {
          expect([name, environment['MANAGEMENT_ENDPOINT']]).toEqual([name, undefined]);
        }
      }
    });

    it('grants the backend API functions least privilege too: their DynamoDB actions exactly, ManageConnections only when they push', () => {
      const backend = [...backendFunctions(tf.routeTable)];
      expect([...policies().keys()]).toEqual(expect.arrayContaining(backend));
      for (const name of backend) {
        const spec = tf.routeTable.functions[name];
        if (spec === undefined) throw new Error(`${name} is not a function of the route table`);
        const actions = statementsFor(name).flatMap((statement) => asList(statement.Action));
        expect([name, [...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort()]).toEqual([
          name,
          spec.dynamodb.map((action) => `dynamodb:${action}`).sort(),
        ]);
        expect([name, actions.filter((a) => a.startsWith('execute-api:'))]).toEqual([
          name,
          spec.manageConnections ? ['execute-api:ManageConnections'] : [],
        ]);
        expect([name, [...new Set(actions.map((a) => a.split(':')[0]))].sort()]).toEqual([
          name,
          ['logs', 'xray', ...(spec.dynamodb.length > 0 ? ['dynamodb'] : [])]
            .concat(spec.manageConnections ? ['execute-api'] : [])
            .sort(),
        ]);
      }
      // Calling the backend API is for its callers: no function of the stack may.
      for (const [name] of policies()) {
        const actions = statementsFor(name).flatMap((statement) => asList(statement.Action));
        expect([name, actions.includes('execute-api:Invoke')]).toEqual([name, false]);
      }
    });

    it('lets API Gateway invoke each backend function from its own method and path of the backend API only', () => {
      const permissions = existing.byKey('aws_lambda_permission', HTTP, 'route');
      expect([...permissions.keys()].sort()).toEqual(Object.keys(tf.routeTable.httpRoutes).sort());
      for (const [key, permission] of permissions) {
        const [method, path] = splitRouteKey(key);
        expect(permission.after).toMatchObject({
          function_name: `${prefix}-${tf.routeTable.httpRoutes[key]}`,
          source_arn: `${httpExecutionArn}/*/${method}${path}`,
        });
      }
    });

    it('integrates every backend route with the function the route table names', () => {
      const integrations = existing.byKey('aws_apigatewayv2_integration', HTTP);
      expect([...integrations.keys()].sort()).toEqual(Object.keys(tf.routeTable.httpRoutes).sort());
      for (const [key, integration] of integrations) {
        expect(integration.after).toMatchObject({
          api_id: FAKE_HTTP_API_ID,
          payload_format_version: '2.0',
          integration_uri:
            `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/` +
            `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${prefix}-${tf.routeTable.httpRoutes[key]}/invocations`,
        });
      }
      for (const route of existing.byKey('aws_apigatewayv2_route', HTTP).values()) {
        expect(route.after).toMatchObject({ api_id: FAKE_HTTP_API_ID, authorization_type: 'AWS_IAM' });
      }
    });

    it("sends the backend API's access logs to its own log group", () => {
      const stage = existing.resource(`${HTTP}.aws_apigatewayv2_stage.this`);
      expect(block(stage, 'access_log_settings')['destination_arn']).toBe(
        `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:/aws/apigateway/${prefix}-backend/access`,
      );
    });

    it('outputs the backend API URL, and the ARNs and policy a caller needs to be allowed execute-api:Invoke', () => {
      expect(existing.output('backend_api_url')).toBe(
        `https://${FAKE_HTTP_API_ID}.execute-api.${region}.amazonaws.com`,
      );
      expect(existing.output('backend_api_id')).toBe(FAKE_HTTP_API_ID);
      expect(existing.output('backend_api_execution_arn')).toBe(httpExecutionArn);

      const invokeArns = existing.output('backend_api_invoke_arns') as Record<string, string>;
      const expected = Object.fromEntries(
        Object.keys(tf.routeTable.httpRoutes).map((key) => {
          const [method, path] = splitRouteKey(key);
          return [key, `${httpExecutionArn}/*/${method}${path.replace(/\{[^}]+\}/g, '*')}`];
        }),
      );
      expect(invokeArns).toEqual(expected);
      expect(invokeArns['POST /rooms/{room}/messages']).toBe(`${httpExecutionArn}/*/POST/rooms/*/messages`);

      const policy = JSON.parse(String(existing.output('backend_api_invoke_policy'))) as {
        Version: string;
        Statement: Statement[];
      };
      expect(policy.Version).toBe('2012-10-17');
      expect(policy.Statement).toEqual([
        {
          Sid: 'InvokeBackendApi',
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: Object.values(expected).sort(),
        },
      ]);
    });

    it("gives API Gateway's logging role AWS's CloudWatch push policy and nothing else", () => {
      const [attachment] = existing.resources('aws_iam_role_policy_attachment');
      expect(attachment?.after['policy_arn']).toBe(
        'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      );
      const role = existing.resource('module.api.aws_iam_role.account_logging[0]');
      expect(statementsOf(role.after['assume_role_policy'], role.address)).toEqual([
        { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(
        existing.resources('aws_iam_role_policy').every((policy) => policy.module !== 'module.api'),
      ).toBe(true);
    });
  });
});

suite('plan with anonymous access and one more route of each API (examples/dev.tfvars)', () => {
  let tf: TerraformWorkspace;
  let plan: PlanView;
  const prefix = 'roomcast-dev';

  beforeAll(async () => {
    // Adding a route in code is one entry in the route table: it must be enough for either API.
    tf = await workspace((table) => {
      table.routes['react'] = 'react';
      table.functions['react'] = {
        entry: 'react.ts',
        dynamodb: ['GetItem', 'Query'],
        manageConnections: true,
      };
      table.httpRoutes['POST /rooms/{room}/reactions'] = 'apiReact';
      table.functions['apiReact'] = {
        entry: 'api-react.ts',
        dynamodb: ['GetItem', 'Query'],
        manageConnections: true,
      };
    });
    await tf.init();
    plan = await tf.plan('examples/dev.tfvars');
  }, PLAN_TIMEOUT);

  afterAll(async () => {
    await tf?.dispose();
  });

  it('deploys no authorizer at all, leaves every WebSocket route open and runs the functions with AUTH_MODE=anonymous (and SDK tracing, as dev.tfvars asks)', () => {
    expect(plan.resources('aws_apigatewayv2_authorizer')).toEqual([]);
    expect(plan.resources('aws_lambda_permission').map((permission) => permission.name)).not.toContain(
      'authorizer',
    );
    const functions = plan.perFunction('aws_lambda_function');
    expect(functions.has(tf.routeTable.authorizer.function)).toBe(false);
    for (const route of plan.byKey('aws_apigatewayv2_route', WS).values()) {
      expect([route.address, route.after['authorization_type']]).toEqual([route.address, 'NONE']);
    }
    const backend = backendFunctions(tf.routeTable);
    for (const [name, fn] of functions) {
      // The backend functions' environment waits for the WebSocket API's endpoint (checked for prod).
      if (backend.has(name)) expect(fn.unknown['environment']).toEqual([{ variables: true }]);
      else
        expect([name, environmentOf(fn)]).toEqual([
          name,
          expect.objectContaining({ AUTH_MODE: 'anonymous', SDK_TRACING: 'on' }),
        ]);
    }
    expect(plan.output('auth_mode')).toBe('anonymous');
  });

  it('keeps every route of the backend API SigV4-only (AWS_IAM) in anonymous mode too', () => {
    const routes = plan.byKey('aws_apigatewayv2_route', HTTP);
    expect([...routes.keys()].sort()).toEqual(Object.keys(tf.routeTable.httpRoutes).sort());
    for (const route of routes.values()) {
      expect([route.address, route.after['authorization_type']]).toEqual([route.address, 'AWS_IAM']);
    }
  });

  it('adds a route of the route table with its integration, permission, function, role and log group', () => {
    expect(plan.byKey('aws_apigatewayv2_route', WS).get('react')?.after['route_key']).toBe('react');
    expect(plan.byKey('aws_apigatewayv2_integration', WS).has('react')).toBe(true);
    expect(plan.byKey('aws_lambda_permission', WS, 'route').get('react')?.after['function_name']).toBe(
      `${prefix}-react`,
    );
    expect(plan.perFunction('aws_lambda_function').get('react')?.after['source_code_hash']).toBe(
      tf.packageHashes.get('react'),
    );
    expect(plan.perFunction('aws_iam_role').has('react')).toBe(true);
    expect(plan.perFunction('aws_cloudwatch_log_group').has('react')).toBe(true);
    expect(plan.resource('module.api.aws_apigatewayv2_deployment.this').after['description']).toContain(
      'react',
    );
  });

  it('adds a backend route of the route table with its SigV4-only route, integration, permission, function, role and log group', () => {
    const key = 'POST /rooms/{room}/reactions';
    expect(plan.byKey('aws_apigatewayv2_route', HTTP).get(key)?.after).toMatchObject({
      route_key: key,
      authorization_type: 'AWS_IAM',
    });
    expect(plan.byKey('aws_apigatewayv2_integration', HTTP).get(key)?.after).toMatchObject({
      integration_type: 'AWS_PROXY',
      payload_format_version: '2.0',
    });
    expect(plan.byKey('aws_lambda_permission', HTTP, 'route').get(key)?.after['function_name']).toBe(
      `${prefix}-apiReact`,
    );
    const fn = plan.perFunction('aws_lambda_function').get('apiReact');
    expect(fn?.after).toMatchObject({
      source_code_hash: tf.packageHashes.get('apiReact'),
      description: `roomcast backend API: ${key}`,
    });
    expect(plan.perFunction('aws_iam_role').has('apiReact')).toBe(true);
    expect(plan.perFunction('aws_cloudwatch_log_group').has('apiReact')).toBe(true);
    // A backend route is not a WebSocket route.
    expect(plan.byKey('aws_apigatewayv2_route', WS).has(key)).toBe(false);
  });

  it('leaves deletion protection off for dev and uses the dev throttling and log settings', () => {
    expect(plan.resource('module.table.aws_dynamodb_table.this').after['deletion_protection_enabled']).toBe(
      false,
    );
    const settings = block(plan.resource('module.api.aws_apigatewayv2_stage.this'), 'default_route_settings');
    expect(settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 25 });
    const backendSettings = block(
      plan.resource(`${HTTP}.aws_apigatewayv2_stage.this`),
      'default_route_settings',
    );
    expect(backendSettings).toMatchObject({ throttling_rate_limit: 10, throttling_burst_limit: 20 });
    for (const group of plan.resources('aws_cloudwatch_log_group')) {
      expect(group.after['retention_in_days']).toBe(7);
    }
  });

  it(
    'refuses "jwt" without a token issuer, and "anonymous" with one',
    async () => {
      const refusal = (args: string[]) =>
        tf.plan('examples/dev.tfvars', args).then(
          () => 'planned',
          (error: unknown) => (error instanceof TerraformFailure ? error.output : String(error)),
        );
      expect(await refusal(['-var=auth_mode=jwt'])).toMatch(/needs exactly one token issuer/);
      expect(await refusal(['-var=jwt_issuer=https://issuer.example.com/'])).toMatch(/deploys no authorizer/);
      expect(
        await refusal([
          '-var=auth_mode=jwt',
          '-var=jwt_issuer=https://issuer.example.com/',
          '-var=jwt_audience=["roomcast"]',
          '-var=cognito_user_pool_id=eu-west-1_Abc123',
          '-var=cognito_client_ids=["client"]',
        ]),
      ).toMatch(/needs exactly one token issuer/);
    },
    PLAN_TIMEOUT,
  );

  it(
    'refuses a backend route key that is not "METHOD /path", and a route table without backend routes',
    async () => {
      const refusal = async (httpRoutes: Record<string, string>) => {
        const file = join(tf.root, `route-table-${Object.keys(httpRoutes).length}.json`);
        await writeFile(file, JSON.stringify({ ...tf.routeTable, httpRoutes }));
        return tf.plan('examples/dev.tfvars', [`-var=route_table_file=${file}`]).then(
          () => 'planned',
          (error: unknown) => (error instanceof TerraformFailure ? error.output : String(error)),
        );
      };
      expect(await refusal({ 'FETCH /rooms': 'apiRoomMembers', 'GET rooms': 'apiRoomHistory' })).toMatch(
        /Route keys are "METHOD \/path"/,
      );
      expect(await refusal({})).toMatch(/needs at least one route/);
    },
    PLAN_TIMEOUT,
  );
});
