// Infra: the backend HTTP API module (module.backend_api) in the plans of the stacks: SigV4-only routes
// of the route table proxied with payload 2.0, invoke permissions scoped to each method and path, the
// auto-deployed throttled $default stage and its logs, the caller outputs, and the route keys it refuses.

import { expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAKE_ACCOUNT, FAKE_HTTP_API_ID } from './support/plan.js';
import {
  block,
  expectDefaultRouteSettings,
  expectJsonAccessLogs,
  expectProxiedRoutes,
  get,
  splitRouteKey,
  type Statement,
} from './support/resources.js';
import { inExistingProdStack, inExtendedDevStack, inNewProdStack } from './support/stacks.js';
import { HTTP, PLAN_TIMEOUT, terraformSuite, WS } from './support/suite.js';

terraformSuite('the backend HTTP API (module.backend_api)', () => {
  inNewProdStack((stack, prefix) => {
    it('creates the backend HTTP API next to the WebSocket API', () => {
      expect(stack.plan.resource(`${HTTP}.aws_apigatewayv2_api.this`).after).toMatchObject({
        name: `${prefix}-backend`,
        protocol_type: 'HTTP',
      });
      expect(
        stack.plan
          .resources('aws_apigatewayv2_api')
          .map((api) => api.module)
          .sort(),
      ).toEqual([WS, HTTP].sort());
    });

    it('has a SigV4-only (AWS_IAM) route, a payload 2.0 Lambda proxy integration and an invoke permission for every backend route of the route table', () => {
      const routeKeys = Object.keys(stack.tf.routeTable.httpRoutes).sort();
      expect(routeKeys.length).toBeGreaterThan(0);
      const routes = expectProxiedRoutes(stack.plan, HTTP, stack.tf.routeTable.httpRoutes, prefix, {
        payload_format_version: '2.0',
      });
      for (const [key, route] of routes) {
        expect([key, route.after['authorization_type']]).toEqual([key, 'AWS_IAM']);
        expect([key, route.after['authorizer_id'] ?? null, route.unknown['authorizer_id'] ?? false]).toEqual([
          key,
          null,
          false,
        ]);
      }
      // Nothing else answers on the backend API: no catch-all route, no route without SigV4.
      expect(
        stack.plan.resources('aws_apigatewayv2_route').filter((route) => route.module === HTTP),
      ).toHaveLength(routeKeys.length);
    });

    it('auto-deploys the backend API on its $default stage, throttled by its own variables, with JSON access logs', () => {
      const stage = stack.plan.resource(`${HTTP}.aws_apigatewayv2_stage.this`);
      expect(stage.after).toMatchObject({ name: '$default', auto_deploy: true });
      const settings = expectDefaultRouteSettings(stage, {
        throttling_rate_limit: stack.plan.variable('backend_api_throttling_rate_limit'),
        throttling_burst_limit: stack.plan.variable('backend_api_throttling_burst_limit'),
        detailed_metrics_enabled: true,
      });
      expect(settings['throttling_rate_limit']).not.toBe(stack.plan.variable('throttling_rate_limit'));

      expect(stage.unknown['access_log_settings']).toEqual([{ destination_arn: true }]);
      expectJsonAccessLogs(stage, {
        requestId: '$context.requestId',
        httpMethod: '$context.httpMethod',
        routeKey: '$context.routeKey',
        status: '$context.status',
        callerArn: '$context.identity.userArn',
        integrationError: '$context.integration.error',
        errorMessage: '$context.error.message',
      });
    });
  });

  inExistingProdStack((existing, prefix, { region, httpExecutionArn }) => {
    it('lets API Gateway invoke each backend function from its own method and path of the backend API only', () => {
      const permissions = existing.plan.byKey('aws_lambda_permission', HTTP, 'function');
      // One permission per function; each backend function serves one route, so each keeps its route's scope.
      const targets = Object.values(existing.tf.routeTable.httpRoutes);
      expect(new Set(targets).size).toBe(targets.length);
      expect([...permissions.keys()].sort()).toEqual(targets.map((target) => `${prefix}-${target}`).sort());
      for (const [key, target] of Object.entries(existing.tf.routeTable.httpRoutes)) {
        const [method, path] = splitRouteKey(key);
        expect(get(permissions, `${prefix}-${target}`).after).toMatchObject({
          statement_id: 'BackendApi',
          qualifier: 'live',
          source_arn: `${httpExecutionArn}/*/${method}${path}`,
        });
      }
    });

    it('integrates every backend route with the function the route table names', () => {
      const integrations = existing.plan.byKey('aws_apigatewayv2_integration', HTTP);
      expect([...integrations.keys()].sort()).toEqual(Object.keys(existing.tf.routeTable.httpRoutes).sort());
      for (const [key, integration] of integrations) {
        expect(integration.after).toMatchObject({
          api_id: FAKE_HTTP_API_ID,
          payload_format_version: '2.0',
          integration_uri:
            `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/` +
            `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${prefix}-${existing.tf.routeTable.httpRoutes[key]}:live/invocations`,
        });
      }
      for (const route of existing.plan.byKey('aws_apigatewayv2_route', HTTP).values()) {
        expect(route.after).toMatchObject({ api_id: FAKE_HTTP_API_ID, authorization_type: 'AWS_IAM' });
      }
    });

    it("sends the backend API's access logs to its own log group", () => {
      const stage = existing.plan.resource(`${HTTP}.aws_apigatewayv2_stage.this`);
      expect(block(stage, 'access_log_settings')['destination_arn']).toBe(
        `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:/aws/apigateway/${prefix}-backend/access`,
      );
    });

    it('outputs the backend API URL, and the ARNs and policy a caller needs to be allowed execute-api:Invoke', () => {
      expect(existing.plan.output('backend_api_url')).toBe(
        `https://${FAKE_HTTP_API_ID}.execute-api.${region}.amazonaws.com`,
      );
      expect(existing.plan.output('backend_api_id')).toBe(FAKE_HTTP_API_ID);
      expect(existing.plan.output('backend_api_execution_arn')).toBe(httpExecutionArn);

      const invokeArns = existing.plan.output('backend_api_invoke_arns') as Record<string, string>;
      const expected = Object.fromEntries(
        Object.keys(existing.tf.routeTable.httpRoutes).map((key) => {
          const [method, path] = splitRouteKey(key);
          return [key, `${httpExecutionArn}/*/${method}${path.replace(/\{[^}]+\}/g, '*')}`];
        }),
      );
      expect(invokeArns).toEqual(expected);
      expect(invokeArns['POST /rooms/{room}/messages']).toBe(`${httpExecutionArn}/*/POST/rooms/*/messages`);

      const policy = JSON.parse(String(existing.plan.output('backend_api_invoke_policy'))) as {
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
  });

  inExtendedDevStack((stack, prefix) => {
    it('keeps every route of the backend API SigV4-only (AWS_IAM) in anonymous mode too', () => {
      const routes = stack.plan.byKey('aws_apigatewayv2_route', HTTP);
      expect([...routes.keys()].sort()).toEqual(Object.keys(stack.tf.routeTable.httpRoutes).sort());
      for (const route of routes.values()) {
        expect([route.address, route.after['authorization_type']]).toEqual([route.address, 'AWS_IAM']);
      }
    });

    it('adds a backend route of the route table with its SigV4-only route, integration, permission, function, role and log group', () => {
      const key = 'POST /rooms/{room}/reactions';
      expect(stack.plan.byKey('aws_apigatewayv2_route', HTTP).get(key)?.after).toMatchObject({
        route_key: key,
        authorization_type: 'AWS_IAM',
      });
      expect(stack.plan.byKey('aws_apigatewayv2_integration', HTTP).get(key)?.after).toMatchObject({
        integration_type: 'AWS_PROXY',
        payload_format_version: '2.0',
      });
      expect(
        stack.plan.byKey('aws_lambda_permission', HTTP, 'function').get(`${prefix}-apiReact`)?.after,
      ).toMatchObject({ function_name: `${prefix}-apiReact`, qualifier: 'live' });
      const fn = stack.plan.perFunction('aws_lambda_function').get('apiReact');
      expect(fn?.after).toMatchObject({
        source_code_hash: stack.tf.packageHashes.get('apiReact'),
        description: `roomcast backend API: ${key}`,
      });
      expect(stack.plan.perFunction('aws_iam_role').has('apiReact')).toBe(true);
      expect(stack.plan.perFunction('aws_cloudwatch_log_group').has('apiReact')).toBe(true);
      // A backend route is not a WebSocket route.
      expect(stack.plan.byKey('aws_apigatewayv2_route', WS).has(key)).toBe(false);
    });

    it(
      'refuses a backend route key that is not "METHOD /path", and a route table without backend routes',
      async () => {
        const refusal = async (httpRoutes: Record<string, string>) => {
          const file = join(stack.tf.root, `route-table-${Object.keys(httpRoutes).length}.json`);
          await writeFile(file, JSON.stringify({ ...stack.tf.routeTable, httpRoutes }));
          return stack.tf.refusal('examples/dev.tfvars', [`-var=route_table_file=${file}`]);
        };
        // Independent plans, each refused before anything is created: run side by side.
        const [badKeys, noRoutes] = await Promise.all([
          refusal({ 'FETCH /rooms': 'apiRoomMembers', 'GET rooms': 'apiRoomHistory' }),
          refusal({}),
        ]);
        expect(badKeys).toMatch(/Route keys are "METHOD \/path"/);
        expect(noRoutes).toMatch(/needs at least one route/);
      },
      PLAN_TIMEOUT,
    );
  });
});
