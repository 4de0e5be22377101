// Infra: the Terraform configuration, checked offline. Every module is formatted and valid; the root
// module is planned from a throwaway copy (provider from a local plugin directory, fake credentials, no
// AWS call) and `terraform show -json` of the plan is checked against the route table and the table
// definition: routes, authorizer, stage, functions, table, log retention and least-privilege IAM.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  existingStackState,
  FAKE_ACCOUNT,
  FAKE_API_ID,
  FAKE_AUTHORIZER_ID,
  type PlanView,
} from './support/plan.js';
import type { Planned } from './support/plan.js';
import { locateToolchain } from './support/toolchain.js';
import { REPOSITORY_ROOT, TerraformFailure, TerraformWorkspace } from './support/workspace.js';

const PLAN_TIMEOUT = 180_000;
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
    expect(modules.sort()).toEqual(['modules/function', 'modules/table', 'modules/websocket_api']);
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

  it.each(['.', 'modules/function', 'modules/table', 'modules/websocket_api'])(
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
    const routes = plan.byKey('aws_apigatewayv2_route');
    const integrations = plan.byKey('aws_apigatewayv2_integration');
    const permissions = plan.byKey('aws_lambda_permission', 'route');

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

    for (const [key, route] of plan.byKey('aws_apigatewayv2_route')) {
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
    const powertools = {
      POWERTOOLS_SERVICE_NAME: 'roomcast',
      POWERTOOLS_METRICS_NAMESPACE: 'roomcast',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    for (const [name, fn] of functions) {
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

  it('gives every log group a retention: one per function, the access logs and the execution logs', () => {
    const groups = plan.resources('aws_cloudwatch_log_group');
    expect(groups.length).toBe(Object.keys(tf.routeTable.functions).length + 2);
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
  });

  describe('planned again on top of the existing stack, where every ARN is known', () => {
    let existing: PlanView;
    const region = 'eu-west-1';
    const executionArn = `arn:aws:execute-api:${region}:${FAKE_ACCOUNT}:${FAKE_API_ID}`;
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
      for (const [key, permission] of existing.byKey('aws_lambda_permission', 'route')) {
        expect(permission.after['source_arn']).toBe(`${executionArn}/prod/${key}`);
      }
      expect(existing.resource('module.api.aws_lambda_permission.authorizer[0]').after['source_arn']).toBe(
        `${executionArn}/authorizers/${FAKE_AUTHORIZER_ID}`,
      );
    });

    it('integrates every route with the function the route table names', () => {
      for (const [key, integration] of existing.byKey('aws_apigatewayv2_integration')) {
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

suite('plan with anonymous access and one more route (examples/dev.tfvars)', () => {
  let tf: TerraformWorkspace;
  let plan: PlanView;
  const prefix = 'roomcast-dev';

  beforeAll(async () => {
    // Adding a route in code is one entry in the route table: it must be enough for the API.
    tf = await workspace((table) => {
      table.routes['react'] = 'react';
      table.functions['react'] = {
        entry: 'react.ts',
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

  it('deploys no authorizer at all, leaves every route open and runs the functions with AUTH_MODE=anonymous', () => {
    expect(plan.resources('aws_apigatewayv2_authorizer')).toEqual([]);
    expect(plan.resources('aws_lambda_permission').map((permission) => permission.name)).not.toContain(
      'authorizer',
    );
    const functions = plan.perFunction('aws_lambda_function');
    expect(functions.has(tf.routeTable.authorizer.function)).toBe(false);
    for (const route of plan.resources('aws_apigatewayv2_route')) {
      expect([route.address, route.after['authorization_type']]).toEqual([route.address, 'NONE']);
    }
    for (const fn of functions.values()) {
      expect(environmentOf(fn)['AUTH_MODE']).toBe('anonymous');
    }
    expect(plan.output('auth_mode')).toBe('anonymous');
  });

  it('adds a route of the route table with its integration, permission, function, role and log group', () => {
    expect(plan.byKey('aws_apigatewayv2_route').get('react')?.after['route_key']).toBe('react');
    expect(plan.byKey('aws_apigatewayv2_integration').has('react')).toBe(true);
    expect(plan.byKey('aws_lambda_permission', 'route').get('react')?.after['function_name']).toBe(
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

  it('leaves deletion protection off for dev and uses the dev throttling and log settings', () => {
    expect(plan.resource('module.table.aws_dynamodb_table.this').after['deletion_protection_enabled']).toBe(
      false,
    );
    const settings = block(plan.resource('module.api.aws_apigatewayv2_stage.this'), 'default_route_settings');
    expect(settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 25 });
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
});
