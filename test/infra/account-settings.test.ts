// Infra: what a stack shares with the rest of its account and region. The API Gateway account settings
// (one CloudWatch logging role per region) are opt-in and reset when the stack that set them goes, and
// every IAM role name, global to the account, carries the region.

import { expect, it } from '@jest/globals';
import { statementsOf } from './support/resources.js';
import { inExistingProdStackWithOptions, inNewProdStack, PROD_REGION } from './support/stacks.js';
import { PLAN_TIMEOUT, terraformSuite } from './support/suite.js';

terraformSuite('account-wide settings', () => {
  inNewProdStack((stack, prefix) => {
    it("leave the region's API Gateway account settings alone unless manage_api_gateway_account is set", () => {
      expect(stack.plan.variable('manage_api_gateway_account')).toBe(false);
      expect(stack.plan.resources('aws_api_gateway_account')).toEqual([]);
      expect(stack.plan.resources('aws_iam_role_policy_attachment')).toEqual([]);
      expect(stack.plan.resources('aws_iam_role').filter((role) => role.module === 'module.api')).toEqual([]);
    });

    it('name every IAM role after its region', () => {
      const roles = stack.plan.resources('aws_iam_role');
      expect(roles.length).toBe(Object.keys(stack.tf.routeTable.functions).length);
      for (const role of roles) {
        expect([role.address, role.after['name']]).toEqual([
          role.address,
          expect.stringMatching(new RegExp(`^${prefix}-[A-Za-z]+-${PROD_REGION}$`)),
        ]);
      }
    });

    it(
      'give the same stack in another region roles of other names',
      async () => {
        const elsewhere = await stack.tf.plan('examples/prod.tfvars', ['-var=region=us-east-1']);
        const names = (plan: typeof elsewhere) =>
          plan.resources('aws_iam_role').map((role) => String(role.after['name']));
        const here = new Set(names(stack.plan));
        const there = names(elsewhere);
        expect(there).toHaveLength(here.size);
        expect(there.filter((name) => here.has(name))).toEqual([]);
        for (const name of there) expect(name).toMatch(/-us-east-1$/);
      },
      PLAN_TIMEOUT,
    );
  });

  inExistingProdStackWithOptions((stack, prefix) => {
    it("set the region's logging role with manage_api_gateway_account, and reset it when the stack is destroyed", () => {
      const [account, ...more] = stack.plan.resources('aws_api_gateway_account');
      expect(more).toEqual([]);
      expect(account?.after['reset_on_delete']).toBe(true);
      const role = stack.plan.resource('module.api.aws_iam_role.account_logging[0]');
      expect(role.after['name']).toBe(`${prefix}-apigateway-logs-${PROD_REGION}`);
      expect(stack.plan.references(['api'], 'aws_api_gateway_account.this', 'cloudwatch_role_arn')).toContain(
        'aws_iam_role.account_logging',
      );
    });

    it("give API Gateway's logging role AWS's CloudWatch push policy and nothing else", () => {
      const [attachment, ...more] = stack.plan.resources('aws_iam_role_policy_attachment');
      expect(more).toEqual([]);
      expect(attachment?.after['policy_arn']).toBe(
        'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      );
      const role = stack.plan.resource('module.api.aws_iam_role.account_logging[0]');
      expect(statementsOf(role.after['assume_role_policy'], role.address)).toEqual([
        { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(
        stack.plan.resources('aws_iam_role_policy').every((policy) => policy.module !== 'module.api'),
      ).toBe(true);
    });

    it('name every IAM role, the logging role included, after its region', () => {
      const roles = stack.plan.resources('aws_iam_role');
      expect(roles.length).toBe(Object.keys(stack.tf.routeTable.functions).length + 1);
      for (const role of roles) {
        expect([role.address, String(role.after['name']).endsWith(`-${PROD_REGION}`)]).toEqual([
          role.address,
          true,
        ]);
      }
    });
  });
});
