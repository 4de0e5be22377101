// Infra: the root module in the plans of the stacks: log retention across modules, outputs, a second
// plan that keeps the existing stack in place, the dev settings, and the variable combinations it refuses.

import { expect, it } from '@jest/globals';
import { block, get } from './support/resources.js';
import { inExistingProdStack, inExtendedDevStack, inNewProdStack } from './support/stacks.js';
import { HTTP, PLAN_TIMEOUT, terraformSuite } from './support/suite.js';

terraformSuite('the root module', () => {
  inNewProdStack((stack, prefix) => {
    it('gives every log group a retention: one per function, both access logs and the execution logs', () => {
      const groups = stack.plan.resources('aws_cloudwatch_log_group');
      expect(groups.length).toBe(Object.keys(stack.tf.routeTable.functions).length + 3);
      for (const group of groups) {
        expect([group.address, group.after['retention_in_days']]).toEqual([
          group.address,
          stack.plan.variable('log_retention_days'),
        ]);
      }
      expect([...stack.plan.perFunction('aws_cloudwatch_log_group').keys()].sort()).toEqual(
        Object.keys(stack.tf.routeTable.functions).sort(),
      );
      expect(stack.plan.resource('module.api.aws_cloudwatch_log_group.access').after['name']).toBe(
        `/aws/apigateway/${prefix}/prod/access`,
      );
      expect(stack.plan.resource('module.api.aws_cloudwatch_log_group.execution[0]').unknown['name']).toBe(
        true,
      );
      expect(stack.plan.resource(`${HTTP}.aws_cloudwatch_log_group.access`).after).toEqual(
        expect.objectContaining({
          name: `/aws/apigateway/${prefix}-backend/access`,
          retention_in_days: stack.plan.variable('log_retention_days'),
        }),
      );
    });

    it('outputs the table name and every function name', () => {
      expect(stack.plan.output('table_name')).toBe(prefix);
      expect(stack.plan.output('function_names')).toEqual(
        Object.fromEntries(
          Object.keys(stack.tf.routeTable.functions).map((name) => [name, `${prefix}-${name}`]),
        ),
      );
      expect(stack.plan.output('auth_mode')).toBe('jwt');
      expect(Object.keys(stack.plan.json.planned_values.outputs ?? {})).toEqual(
        expect.arrayContaining([
          'backend_api_url',
          'backend_api_id',
          'backend_api_execution_arn',
          'backend_api_invoke_arns',
          'backend_api_invoke_policy',
          'fan_out_queue_url',
          'fan_out_queue_arn',
          'fan_out_dead_letter_queue_url',
          'fan_out_dead_letter_queue_arn',
        ]),
      );
    });
  });

  inExistingProdStack((existing) => {
    it('keeps the existing API, table and functions in place', () => {
      for (const address of [
        'module.api.aws_apigatewayv2_api.this',
        `${HTTP}.aws_apigatewayv2_api.this`,
        `${HTTP}.aws_apigatewayv2_stage.this`,
        'module.table.aws_dynamodb_table.this',
        ...Object.keys(existing.tf.routeTable.functions).map(
          (name) => `module.functions["${name}"].aws_lambda_function.this`,
        ),
      ]) {
        expect([address, existing.plan.resource(address).actions.includes('delete')]).toEqual([
          address,
          false,
        ]);
      }
    });
  });

  inExtendedDevStack((stack) => {
    it('leaves deletion protection off for dev and uses the dev throttling and log settings', () => {
      expect(
        stack.plan.resource('module.table.aws_dynamodb_table.this').after['deletion_protection_enabled'],
      ).toBe(false);
      const settings = block(
        stack.plan.resource('module.api.aws_apigatewayv2_stage.this'),
        'default_route_settings',
      );
      expect(settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 25 });
      const backendSettings = block(
        stack.plan.resource(`${HTTP}.aws_apigatewayv2_stage.this`),
        'default_route_settings',
      );
      expect(backendSettings).toMatchObject({ throttling_rate_limit: 10, throttling_burst_limit: 20 });
      for (const group of stack.plan.resources('aws_cloudwatch_log_group')) {
        expect(group.after['retention_in_days']).toBe(7);
      }
    });

    it(
      'refuses "jwt" without a token issuer, and "anonymous" with one',
      async () => {
        // Independent plans, each refused before anything is created: run side by side.
        const [jwtWithoutIssuer, anonymousWithIssuer, jwtWithTwoIssuers] = await Promise.all([
          stack.tf.refusal('examples/dev.tfvars', ['-var=auth_mode=jwt']),
          stack.tf.refusal('examples/dev.tfvars', ['-var=jwt_issuer=https://issuer.example.com/']),
          stack.tf.refusal('examples/dev.tfvars', [
            '-var=auth_mode=jwt',
            '-var=jwt_issuer=https://issuer.example.com/',
            '-var=jwt_audience=["roomcast"]',
            '-var=cognito_user_pool_id=eu-west-1_Abc123',
            '-var=cognito_client_ids=["client"]',
          ]),
        ]);
        expect(jwtWithoutIssuer).toMatch(/needs exactly one token issuer/);
        expect(anonymousWithIssuer).toMatch(/deploys no authorizer/);
        expect(jwtWithTwoIssuers).toMatch(/needs exactly one token issuer/);
      },
      PLAN_TIMEOUT,
    );

    it(
      'refuses a default history page above the maximum, as the functions would at cold start',
      async () => {
        const history = (values: string) => [`-var=extra_environment={${values}}`];
        const [aboveSetMax, aboveDefaultMax, notANumber] = await Promise.all([
          stack.tf.refusal(
            'examples/dev.tfvars',
            history('HISTORY_LIMIT_DEFAULT="30",HISTORY_LIMIT_MAX="20"'),
          ),
          stack.tf.refusal('examples/dev.tfvars', history('HISTORY_LIMIT_DEFAULT="101"')),
          stack.tf.refusal('examples/dev.tfvars', history('HISTORY_LIMIT_DEFAULT="many"')),
        ]);
        for (const refusal of [aboveSetMax, aboveDefaultMax, notANumber]) {
          expect(refusal).toMatch(
            /HISTORY_LIMIT_DEFAULT must be a number no greater than\s+HISTORY_LIMIT_MAX/,
          );
        }
      },
      PLAN_TIMEOUT,
    );

    it(
      'plans a HISTORY_LIMIT_MAX below the default page alone (the functions lower the default to it)',
      async () => {
        const plan = await stack.tf.plan('examples/dev.tfvars', [
          '-var=extra_environment={HISTORY_LIMIT_MAX="20"}',
        ]);
        // Planned, not refused. In a new stack every chat function's environment is known only after
        // the apply (the queue URL, the management endpoint), so the setting is read where it enters.
        expect(plan.variable('extra_environment')).toEqual({ HISTORY_LIMIT_MAX: '20' });
        expect(get(plan.perFunction('aws_lambda_function'), 'apiRoomHistory').actions).toEqual(['create']);
      },
      PLAN_TIMEOUT,
    );
  });
});
