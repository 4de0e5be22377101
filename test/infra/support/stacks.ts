// Infra test support: the three stacks the suites read, each planned once through the plan cache
// whichever suite asks first: a new prod stack, the same stack planned again on top of its own state,
// and a dev stack whose route table has one more route of each API.

import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { existingStackState, FAKE_ACCOUNT, FAKE_API_ID, FAKE_HTTP_API_ID, type PlanView } from './plan.js';
import { PLAN_TIMEOUT, workspace } from './suite.js';
import type { TerraformWorkspace } from './workspace.js';

/** Name prefixes of examples/prod.tfvars and examples/dev.tfvars. */
export const PROD_PREFIX = 'roomcast-prod';
export const DEV_PREFIX = 'roomcast-dev';
/** The region of examples/prod.tfvars, in which the existing stack's ARNs are made up. */
export const PROD_REGION = 'eu-west-1';

/** What the existing prod stack's state makes known: its region, the APIs' execution ARNs, the endpoint, the table, the queues. */
export const EXISTING_PROD = {
  region: PROD_REGION,
  executionArn: `arn:aws:execute-api:${PROD_REGION}:${FAKE_ACCOUNT}:${FAKE_API_ID}`,
  httpExecutionArn: `arn:aws:execute-api:${PROD_REGION}:${FAKE_ACCOUNT}:${FAKE_HTTP_API_ID}`,
  managementEndpoint: `https://${FAKE_API_ID}.execute-api.${PROD_REGION}.amazonaws.com/prod`,
  tableArn: `arn:aws:dynamodb:${PROD_REGION}:${FAKE_ACCOUNT}:table/${PROD_PREFIX}`,
  fanOutQueueArn: `arn:aws:sqs:${PROD_REGION}:${FAKE_ACCOUNT}:${PROD_PREFIX}-fanout`,
  fanOutQueueUrl: `https://sqs.${PROD_REGION}.amazonaws.com/${FAKE_ACCOUNT}/${PROD_PREFIX}-fanout`,
  deadLetterQueueArn: `arn:aws:sqs:${PROD_REGION}:${FAKE_ACCOUNT}:${PROD_PREFIX}-fanout-dlq`,
  deadLetterQueueUrl: `https://sqs.${PROD_REGION}.amazonaws.com/${FAKE_ACCOUNT}/${PROD_PREFIX}-fanout-dlq`,
} as const;

export interface PlannedStack {
  readonly tf: TerraformWorkspace;
  readonly plan: PlanView;
}

/** examples/prod.tfvars (JWT authorizer) planned as a new stack: every ARN is still unknown. */
export async function newProdStack(): Promise<PlannedStack> {
  const tf = await workspace();
  return { tf, plan: await tf.plan('examples/prod.tfvars') };
}

/**
 * examples/prod.tfvars planned again on top of the state the first plan would leave, with the
 * identifiers AWS would have assigned (-refresh=false: no AWS call), so that every ARN is known.
 */
export async function existingProdStack(): Promise<PlannedStack> {
  const { tf, plan } = await newProdStack();
  expect(plan.variable('region')).toBe(PROD_REGION);
  await tf.writeState(existingStackState(plan, PROD_REGION));
  return { tf, plan: await tf.plan('examples/prod.tfvars', ['-refresh=false']) };
}

/** The optional settings the fully configured stack turns on: customer keys, an alarm topic, the account role. */
export const OPTIONS = {
  queueKeyArn: `arn:aws:kms:${PROD_REGION}:${FAKE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  tableKeyArn: `arn:aws:kms:${PROD_REGION}:${FAKE_ACCOUNT}:key/9876fedc-98fe-76dc-54ba-0987654321fe`,
  topicArn: `arn:aws:sns:${PROD_REGION}:${FAKE_ACCOUNT}:roomcast-alarms`,
} as const;

/**
 * The existing prod stack planned again with every optional setting on: a customer key for the queues
 * and another for the table, a topic for the alarms, and the region's API Gateway account settings.
 */
export async function existingProdStackWithOptions(): Promise<PlannedStack> {
  const { tf, plan } = await newProdStack();
  await tf.writeState(existingStackState(plan, PROD_REGION));
  return {
    tf,
    plan: await tf.plan('examples/prod.tfvars', [
      '-refresh=false',
      `-var=queue_kms_key_arn=${OPTIONS.queueKeyArn}`,
      `-var=table_kms_key_arn=${OPTIONS.tableKeyArn}`,
      `-var=alarm_topic_arn=${OPTIONS.topicArn}`,
      '-var=manage_api_gateway_account=true',
    ]),
  };
}

/**
 * examples/dev.tfvars (anonymous access) with one more route of each API: adding a route in code is
 * one entry in the route table, and that must be enough for either API.
 */
export async function extendedDevStack(): Promise<PlannedStack> {
  const tf = await workspace((table) => {
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
  return { tf, plan: await tf.plan('examples/dev.tfvars') };
}

/**
 * Plans `stack` before the tests of the enclosing describe and removes its workspace after them;
 * `plan` and `tf` are there from the first test on.
 */
export function usePlannedStack(stack: () => Promise<PlannedStack>): PlannedStack {
  let planned: PlannedStack | undefined;
  beforeAll(async () => {
    planned = await stack();
  }, PLAN_TIMEOUT);
  afterAll(async () => {
    await planned?.tf.dispose();
  });
  const current = (): PlannedStack => {
    if (!planned) throw new Error('the stack is planned in beforeAll: read it inside a test');
    return planned;
  };
  return {
    get tf() {
      return current().tf;
    },
    get plan() {
      return current().plan;
    },
  };
}

/** What a stack's describe hands its tests: the planned stack and the name prefix of its tfvars. */
export type StackTests = (stack: PlannedStack, prefix: string) => void;

/*
 * The three describes the suites share, named once here so that every suite reads the same stack under
 * the same title (and the plan cache serves them all one plan each).
 */

/** The tests of `body` against examples/prod.tfvars planned as a new stack. */
export function inNewProdStack(body: StackTests): void {
  describe('in the plan of a new stack (examples/prod.tfvars: JWT authorizer)', () => {
    body(usePlannedStack(newProdStack), PROD_PREFIX);
  });
}

/**
 * The tests of `body` against examples/prod.tfvars planned again on top of its own state; `known` is
 * what that state makes known (EXISTING_PROD), which is what these tests compare the plan with.
 */
export function inExistingProdStack(
  body: (stack: PlannedStack, prefix: string, known: typeof EXISTING_PROD) => void,
): void {
  describe('planned again on top of the existing stack, where every ARN is known', () => {
    body(usePlannedStack(existingProdStack), PROD_PREFIX, EXISTING_PROD);
  });
}

/** The tests of `body` against the existing prod stack with every optional setting on (OPTIONS). */
export function inExistingProdStackWithOptions(
  body: (stack: PlannedStack, prefix: string, known: typeof EXISTING_PROD) => void,
): void {
  describe('planned again on top of the existing stack with customer keys, an alarm topic and the account role', () => {
    body(usePlannedStack(existingProdStackWithOptions), PROD_PREFIX, EXISTING_PROD);
  });
}

/** The tests of `body` against examples/dev.tfvars with one more route of each API. */
export function inExtendedDevStack(body: StackTests): void {
  describe('in the plan with anonymous access and one more route of each API (examples/dev.tfvars)', () => {
    body(usePlannedStack(extendedDevStack), DEV_PREFIX);
  });
}
