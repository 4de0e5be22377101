// Infra: the function module (module.functions) in the plans of the stacks: runtime, packages, logging
// and tracing, the environment each function gets, descriptions, and each function's own role with a
// least-privilege inline policy. The fan-out queue's mapping and grants: fan-out-queue.test.ts.

import { expect, it } from '@jest/globals';
import { FAKE_ACCOUNT } from './support/plan.js';
import {
  asList,
  backendFunctions,
  block,
  chatEnvironment,
  environmentOf,
  get,
  queueSenders,
  queueWorkers,
  statementsOf,
  X_RAY_ACTIONS,
} from './support/resources.js';
import { inExistingProdStack, inNewProdStack } from './support/stacks.js';
import { terraformSuite } from './support/suite.js';

terraformSuite('the functions (module.functions)', () => {
  inNewProdStack((stack, prefix) => {
    it('runs every function on nodejs22.x and arm64 from its own package, with JSON logs and active tracing', () => {
      const functions = stack.plan.perFunction('aws_lambda_function');
      expect([...functions.keys()].sort()).toEqual(Object.keys(stack.tf.routeTable.functions).sort());
      for (const [name, fn] of functions) {
        expect(fn.after).toMatchObject({
          function_name: `${prefix}-${name}`,
          runtime: 'nodejs22.x',
          architectures: ['arm64'],
          handler: 'index.handler',
          source_code_hash: stack.tf.packageHashes.get(name),
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
      const functions = stack.plan.perFunction('aws_lambda_function');
      const authorizerName = stack.tf.routeTable.authorizer.function;
      const backend = backendFunctions(stack.tf.routeTable);
      const senders = queueSenders(stack.tf.routeTable);
      const workers = queueWorkers(stack.tf.routeTable);
      const powertools = {
        POWERTOOLS_SERVICE_NAME: prefix,
        POWERTOOLS_METRICS_NAMESPACE: 'roomcast',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        SDK_TRACING: 'off',
        NODE_OPTIONS: '--enable-source-maps',
      };
      expect(backend.size).toBeGreaterThan(0);
      for (const [name, fn] of functions) {
        if (backend.has(name) || workers.has(name) || senders.has(name)) {
          // MANAGEMENT_ENDPOINT and FAN_OUT_QUEUE_URL name an API and a queue that do not exist yet; the
          // plan on top of an existing stack below checks the whole environment.
          expect([name, fn.unknown['environment']]).toEqual([name, [{ variables: true }]]);
          continue;
        }
        const environment = environmentOf(fn);
        if (name === authorizerName) {
          expect(environment).toEqual({
            ...powertools,
            COGNITO_USER_POOL_ID: stack.plan.variable('cognito_user_pool_id'),
            COGNITO_CLIENT_ID: (stack.plan.variable('cognito_client_ids') as string[]).join(','),
          });
        } else {
          expect(environment).toEqual({
            ...powertools,
            TABLE_NAME: prefix,
            AUTH_MODE: 'jwt',
            LOBBY_ROOM: 'lobby',
            FAN_OUT_CONCURRENCY: String(stack.plan.variable('fan_out_concurrency')),
            MESSAGE_RETENTION_DAYS: String(stack.plan.variable('message_retention_days')),
            FAN_OUT_INLINE_MAX: '2000',
            FAN_OUT_DELIVERIES_PER_JOB: '2000',
            MEMBERS_PER_BUCKET: '1000',
            ROOM_SHAPE_CACHE_MS: '5000',
          });
        }
      }
    });

    it('describes each function by what it serves: WebSocket route keys, backend API route keys, or queues', () => {
      const backend = backendFunctions(stack.tf.routeTable);
      const workers = queueWorkers(stack.tf.routeTable);
      expect(workers.size).toBeGreaterThan(0);
      for (const [name, fn] of stack.plan.perFunction('aws_lambda_function')) {
        const description = String(fn.after['description']);
        if (name === stack.tf.routeTable.authorizer.function) {
          expect(description).toBe('roomcast: $connect authorizer');
        } else if (backend.has(name)) {
          const keys = Object.keys(stack.tf.routeTable.httpRoutes)
            .filter((key) => stack.tf.routeTable.httpRoutes[key] === name)
            .sort();
          expect([name, description]).toEqual([name, `roomcast backend API: ${keys.join(', ')}`]);
        } else if (workers.has(name)) {
          const queues = Object.keys(stack.tf.routeTable.queues)
            .filter((queue) => stack.tf.routeTable.queues[queue]?.function === name)
            .sort();
          expect([name, description]).toEqual([name, `roomcast queue worker: ${queues.join(', ')}`]);
        } else {
          const keys = Object.keys(stack.tf.routeTable.routes)
            .filter((key) => stack.tf.routeTable.routes[key] === name)
            .sort();
          expect(keys.length).toBeGreaterThan(0);
          expect([name, description]).toEqual([name, `roomcast: ${keys.join(', ')}`]);
        }
      }
    });

    it('gives each function its own role, which only Lambda may assume', () => {
      const roles = stack.plan.perFunction('aws_iam_role');
      expect([...roles.keys()].sort()).toEqual(Object.keys(stack.tf.routeTable.functions).sort());
      for (const [name, role] of roles) {
        expect(role.after['name']).toBe(`${prefix}-${name}-${stack.plan.variable('region')}`);
        const [trust, ...more] = statementsOf(role.after['assume_role_policy'], role.address);
        expect(more).toEqual([]);
        expect(trust).toEqual({
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        });
      }
    });
  });

  inExistingProdStack((existing, prefix, known) => {
    const { region, executionArn, managementEndpoint, tableArn } = known;

    const policies = () => existing.plan.perFunction('aws_iam_role_policy');
    const statementsFor = (name: string) => {
      const policy = get(policies(), name);
      return statementsOf(policy.after['policy'], policy.address);
    };

    it('has an inline policy for every function, and no other policies on function roles', () => {
      expect([...policies().keys()].sort()).toEqual(Object.keys(existing.tf.routeTable.functions).sort());
      expect(existing.plan.resources('aws_iam_policy')).toEqual([]);
      // The API Gateway account role, the only role with an attachment, is opt-in (account-settings.test.ts).
      expect(existing.plan.resources('aws_iam_role_policy_attachment')).toEqual([]);
    });

    it('grants each function exactly the DynamoDB actions of the route table, on the table and its indexes', () => {
      for (const [name, spec] of Object.entries(existing.tf.routeTable.functions)) {
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
      for (const [name, spec] of Object.entries(existing.tf.routeTable.functions)) {
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
      const holders = Object.entries(existing.tf.routeTable.functions).filter(
        ([, spec]) => spec.manageConnections,
      );
      expect(holders.length).toBeLessThan(Object.keys(existing.tf.routeTable.functions).length);
    });

    it("writes each function's logs to its own log group only", () => {
      for (const name of Object.keys(existing.tf.routeTable.functions)) {
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

    it("gives the backend API functions and the queue workers the chat settings and the WebSocket stage's @connections endpoint, and no other function that endpoint", () => {
      const backend = backendFunctions(existing.tf.routeTable);
      const workers = queueWorkers(existing.tf.routeTable);
      const senders = queueSenders(existing.tf.routeTable);
      expect(existing.plan.output('management_endpoint')).toBe(managementEndpoint);
      for (const [name, fn] of existing.plan.perFunction('aws_lambda_function')) {
        const environment = environmentOf(fn);
        const queueUrl = senders.has(name) ? { FAN_OUT_QUEUE_URL: known.fanOutQueueUrl } : {};
        if (backend.has(name) || workers.has(name)) {
          expect([name, environment]).toEqual([
            name,
            {
              ...chatEnvironment(existing.plan, prefix),
              MANAGEMENT_ENDPOINT: managementEndpoint,
              ...queueUrl,
            },
          ]);
        } else if (name !== existing.tf.routeTable.authorizer.function) {
          expect([name, environment]).toEqual([
            name,
            { ...chatEnvironment(existing.plan, prefix), ...queueUrl },
          ]);
        }
      }
    });

    it('grants the backend API functions least privilege too: their DynamoDB actions exactly, ManageConnections only when they push', () => {
      const backend = [...backendFunctions(existing.tf.routeTable)];
      expect([...policies().keys()]).toEqual(expect.arrayContaining(backend));
      for (const name of backend) {
        const spec = existing.tf.routeTable.functions[name];
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
            .concat((spec.sqs ?? []).length > 0 ? ['sqs'] : [])
            .sort(),
        ]);
      }
      // Calling the backend API is for its callers: no function of the stack may.
      for (const [name] of policies()) {
        const actions = statementsFor(name).flatMap((statement) => asList(statement.Action));
        expect([name, actions.includes('execute-api:Invoke')]).toEqual([name, false]);
      }
    });
  });
});
