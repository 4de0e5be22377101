// Infra: the WebSocket API module (module.api) in the plans of the stacks: every route of the route
// table proxied to its function, the REQUEST authorizer on $connect only (none in anonymous mode),
// redeployment on change, the throttled stage and its logs. The account logging role: account-settings.test.ts.

import { expect, it } from '@jest/globals';
import { FAKE_ACCOUNT, FAKE_API_ID, FAKE_AUTHORIZER_ID } from './support/plan.js';
import {
  backendFunctions,
  block,
  environmentOf,
  expectDefaultRouteSettings,
  expectJsonAccessLogs,
  expectProxiedRoutes,
  get,
  queueSenders,
  queueWorkers,
} from './support/resources.js';
import { inExistingProdStack, inExtendedDevStack, inNewProdStack } from './support/stacks.js';
import { terraformSuite, WS } from './support/suite.js';

terraformSuite('the WebSocket API (module.api)', () => {
  inNewProdStack((stack, prefix) => {
    it('creates a WebSocket API that picks routes with the route table selection expression', () => {
      const api = stack.plan.resource('module.api.aws_apigatewayv2_api.this');
      expect(api.after).toMatchObject({
        protocol_type: 'WEBSOCKET',
        route_selection_expression: stack.tf.routeTable.routeSelectionExpression,
      });
    });

    it('has a route, a Lambda proxy integration and an invoke permission for every route of the route table', () => {
      expectProxiedRoutes(stack.plan, WS, stack.tf.routeTable.routes, prefix);
    });

    it('attaches the REQUEST authorizer, reading route.request.querystring.token, to $connect only', () => {
      const [authorizer, ...others] = stack.plan.resources('aws_apigatewayv2_authorizer');
      expect(others).toEqual([]);
      expect(authorizer?.after).toMatchObject({
        authorizer_type: 'REQUEST',
        identity_sources: ['route.request.querystring.token'],
      });
      expect(stack.tf.routeTable.authorizer.identitySources).toEqual(['route.request.querystring.token']);

      for (const [key, route] of stack.plan.byKey('aws_apigatewayv2_route', WS)) {
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
      const permission = stack.plan.resource('module.api.aws_lambda_permission.authorizer[0]');
      expect(permission.after).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        function_name: `${prefix}-${stack.tf.routeTable.authorizer.function}`,
      });
    });

    it('redeploys the API whenever a route, an integration or the authorizer changes', () => {
      const deployment = stack.plan.resource('module.api.aws_apigatewayv2_deployment.this');
      expect(deployment.unknown['triggers']).toBe(true);
      expect(stack.plan.references(['api'], 'aws_apigatewayv2_deployment.this', 'triggers')).toEqual(
        expect.arrayContaining([
          'aws_apigatewayv2_route.this',
          'aws_apigatewayv2_integration.this',
          'aws_apigatewayv2_authorizer.this',
        ]),
      );
      expect(stack.plan.references(['api'], 'aws_apigatewayv2_stage.this', 'deployment_id')).toContain(
        'aws_apigatewayv2_deployment.this.id',
      );
    });

    it('throttles every route of the stage by default and writes JSON access logs', () => {
      const stage = stack.plan.resource('module.api.aws_apigatewayv2_stage.this');
      expect(stage.after['name']).toBe('prod');
      expectDefaultRouteSettings(stage, {
        throttling_rate_limit: stack.plan.variable('throttling_rate_limit'),
        throttling_burst_limit: stack.plan.variable('throttling_burst_limit'),
        detailed_metrics_enabled: true,
        data_trace_enabled: false,
        logging_level: 'ERROR',
      });
      expectJsonAccessLogs(stage, {
        requestId: '$context.requestId',
        connectionId: '$context.connectionId',
        routeKey: '$context.routeKey',
        eventType: '$context.eventType',
        status: '$context.status',
        integrationError: '$context.integration.error',
        authorizerError: '$context.authorizer.error',
        errorMessage: '$context.error.message',
      });
    });
  });

  inExistingProdStack((existing, prefix, { region, executionArn }) => {
    it("lets API Gateway invoke each function from this stage only (from its own route when it has one), and the authorizer as this API's authorizer", () => {
      const permissions = existing.plan.byKey('aws_lambda_permission', WS, 'function');
      const routesOf = new Map<string, string[]>();
      for (const [key, target] of Object.entries(existing.tf.routeTable.routes)) {
        routesOf.set(target, [...(routesOf.get(target) ?? []), key]);
      }
      // One permission per function, however many routes it serves: message serves all but two.
      expect(permissions.size).toBe(routesOf.size);
      expect(permissions.size).toBeLessThan(Object.keys(existing.tf.routeTable.routes).length);
      for (const [target, keys] of routesOf) {
        const permission = get(permissions, `${prefix}-${target}`);
        expect([target, permission.after['statement_id'], permission.after['source_arn']]).toEqual([
          target,
          'WebSocketApi',
          keys.length === 1 ? `${executionArn}/prod/${keys[0]}` : `${executionArn}/prod/*`,
        ]);
      }
      expect(
        existing.plan.resource('module.api.aws_lambda_permission.authorizer[0]').after['source_arn'],
      ).toBe(`${executionArn}/authorizers/${FAKE_AUTHORIZER_ID}`);
    });

    it('integrates every route with the function the route table names', () => {
      for (const [key, integration] of existing.plan.byKey('aws_apigatewayv2_integration', WS)) {
        const target = existing.tf.routeTable.routes[key];
        expect(integration.after['integration_uri']).toBe(
          `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/` +
            `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${prefix}-${target}:live/invocations`,
        );
      }
      expect(
        existing.plan.resource('module.api.aws_apigatewayv2_authorizer.this[0]').after['authorizer_uri'],
      ).toContain(`:function:${prefix}-${existing.tf.routeTable.authorizer.function}:live/invocations`);
    });

    it("sends the stage's access logs to its own log group, and names the execution log group after the API", () => {
      const stage = existing.plan.resource('module.api.aws_apigatewayv2_stage.this');
      expect(block(stage, 'access_log_settings')['destination_arn']).toBe(
        `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:/aws/apigateway/${prefix}/prod/access`,
      );
      expect(existing.plan.resource('module.api.aws_cloudwatch_log_group.execution[0]').after['name']).toBe(
        `API-Gateway-Execution-Logs_${FAKE_API_ID}/prod`,
      );
    });
  });

  inExtendedDevStack((stack, prefix) => {
    it('deploys no authorizer at all, leaves every WebSocket route open and runs the functions with AUTH_MODE=anonymous (and SDK tracing, as dev.tfvars asks)', () => {
      expect(stack.plan.resources('aws_apigatewayv2_authorizer')).toEqual([]);
      expect(
        stack.plan.resources('aws_lambda_permission').map((permission) => permission.name),
      ).not.toContain('authorizer');
      const functions = stack.plan.perFunction('aws_lambda_function');
      expect(functions.has(stack.tf.routeTable.authorizer.function)).toBe(false);
      for (const route of stack.plan.byKey('aws_apigatewayv2_route', WS).values()) {
        expect([route.address, route.after['authorization_type']]).toEqual([route.address, 'NONE']);
      }
      const waiting = new Set([
        ...backendFunctions(stack.tf.routeTable),
        ...queueWorkers(stack.tf.routeTable),
        ...queueSenders(stack.tf.routeTable),
      ]);
      for (const [name, fn] of functions) {
        // The environment of the backend functions, the workers and the queue's senders waits for the
        // WebSocket API's endpoint or the queue's URL (checked for prod).
        if (waiting.has(name)) expect(fn.unknown['environment']).toEqual([{ variables: true }]);
        else
          expect([name, environmentOf(fn)]).toEqual([
            name,
            expect.objectContaining({ AUTH_MODE: 'anonymous', SDK_TRACING: 'on' }),
          ]);
      }
      expect(stack.plan.output('auth_mode')).toBe('anonymous');
    });

    it('adds a route of the route table with its integration, permission, function, role and log group', () => {
      expect(stack.plan.byKey('aws_apigatewayv2_route', WS).get('react')?.after['route_key']).toBe('react');
      expect(stack.plan.byKey('aws_apigatewayv2_integration', WS).has('react')).toBe(true);
      expect(
        stack.plan.byKey('aws_lambda_permission', WS, 'function').get(`${prefix}-react`)?.after['source_arn'],
      ).toBeUndefined(); // unknown until the API exists
      expect(stack.plan.byKey('aws_lambda_permission', WS, 'function').has(`${prefix}-react`)).toBe(true);
      expect(stack.plan.perFunction('aws_lambda_function').get('react')?.after['source_code_hash']).toBe(
        stack.tf.packageHashes.get('react'),
      );
      expect(stack.plan.perFunction('aws_iam_role').has('react')).toBe(true);
      expect(stack.plan.perFunction('aws_cloudwatch_log_group').has('react')).toBe(true);
      expect(
        stack.plan.resource('module.api.aws_apigatewayv2_deployment.this').after['description'],
      ).toContain('react');
    });
  });
});
