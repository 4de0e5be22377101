// Infra: the counts docs/deploy.md states for the default route table (functions, routes, queues and the
// resources a first `terraform apply` adds) against the offline plans of a JWT and an anonymous stack.

import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { PlanView } from './support/plan.js';
import { inNewProdStack, usePlannedStack } from './support/stacks.js';
import { HTTP, terraformSuite, workspace, WS } from './support/suite.js';

const DEPLOY_DOC = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');

const STATED =
  /With the default route table \((\d+) functions, (\d+) WebSocket routes, (\d+) backend routes, (\d+) queues?\) that is\s+(\d+)\s+resources for a JWT stack and (\d+) for an anonymous one \(no authorizer function\)/;

/** The numbers the deploy guide states, read from its text (a failure here means the sentence changed). */
function statedCounts() {
  const match = STATED.exec(DEPLOY_DOC);
  if (!match) throw new Error(`docs/deploy.md no longer states the counts as ${STATED.source}`);
  const stated = (group: number) => Number(match[group]);
  return {
    functions: stated(1),
    webSocketRoutes: stated(2),
    backendRoutes: stated(3),
    queues: stated(4),
    jwtResources: stated(5),
    anonymousResources: stated(6),
  };
}

/** What `terraform plan` reports as "to add": managed resources the plan creates. */
function toAdd(plan: PlanView): number {
  return plan.json.resource_changes.filter(
    (change) => change.mode === 'managed' && change.change.actions.includes('create'),
  ).length;
}

terraformSuite('the counts docs/deploy.md states', () => {
  inNewProdStack((stack) => {
    it('match the route table and the plan of a new JWT stack', () => {
      const stated = statedCounts();
      const table = stack.tf.routeTable;
      expect({
        functions: Object.keys(table.functions).length,
        webSocketRoutes: Object.keys(table.routes).length,
        backendRoutes: Object.keys(table.httpRoutes).length,
        queues: Object.keys(table.queues).length,
      }).toEqual({
        functions: stated.functions,
        webSocketRoutes: stated.webSocketRoutes,
        backendRoutes: stated.backendRoutes,
        queues: stated.queues,
      });
      expect({
        functions: stack.plan.perFunction('aws_lambda_function').size,
        webSocketRoutes: stack.plan.byKey('aws_apigatewayv2_route', WS).size,
        backendRoutes: stack.plan.byKey('aws_apigatewayv2_route', HTTP).size,
        toAdd: toAdd(stack.plan),
      }).toEqual({
        functions: stated.functions,
        webSocketRoutes: stated.webSocketRoutes,
        backendRoutes: stated.backendRoutes,
        toAdd: stated.jwtResources,
      });
    });
  });

  describe('in the plan of a new anonymous stack (examples/dev.tfvars, the default route table)', () => {
    const stack = usePlannedStack(async () => {
      const tf = await workspace();
      return { tf, plan: await tf.plan('examples/dev.tfvars') };
    });

    it('match it: one function fewer (no authorizer) and the resources to add', () => {
      const stated = statedCounts();
      expect({
        functions: stack.plan.perFunction('aws_lambda_function').size,
        toAdd: toAdd(stack.plan),
      }).toEqual({ functions: stated.functions - 1, toAdd: stated.anonymousResources });
    });
  });
});
