// Test support: the IAM grants of each function as Terraform plans them (its role's inline policy in the
// plan JSON), and the two comparisons with what the functions were recorded calling (aws-call-recorder.ts):
// calls no statement allows, and grants no call used.

import type { PlanView } from '../infra/support/plan.js';
import { asList, statementsOf } from '../infra/support/resources.js';
import type { CallTarget, RecordedCall } from './aws-call-recorder.js';

/** One action on one resource pattern, allowed to one function. */
export interface Grant {
  readonly fn: string;
  readonly action: string;
  readonly resource: string;
}

/** A recorded call with the ARN it would act on in the planned stack. */
export interface CallOnArn {
  readonly fn: string;
  readonly action: string;
  readonly resource: string;
}

/** How the local stack's names translate into the planned stack's ARNs. */
export interface ArnsOfStack {
  /** Local table name -> table ARN. */
  readonly tables: ReadonlyMap<string, string>;
  /** Local queue URL -> queue ARN. */
  readonly queues: ReadonlyMap<string, string>;
  /** `arn:aws:execute-api:{region}:{account}:{api}/{stage}` of the WebSocket API's stage. */
  readonly connectionsStage: string;
}

/** Every Allow statement of each function's inline policy, as one grant per action and resource. */
export function plannedGrants(plan: PlanView): Grant[] {
  return [...plan.perFunction('aws_iam_role_policy')].flatMap(([fn, policy]) =>
    statementsOf(policy.after['policy'], policy.address).flatMap((statement) => {
      if (statement.Effect !== 'Allow' || statement.NotAction !== undefined) {
        throw new Error(`${fn}: only plain Allow statements are read here: ${JSON.stringify(statement)}`);
      }
      return asList(statement.Action).flatMap((action) =>
        asList(statement.Resource).map((resource) => ({ fn, action, resource })),
      );
    }),
  );
}

function arnOf(target: CallTarget, arns: ArnsOfStack): string {
  switch (target.kind) {
    case 'table': {
      const table = arns.tables.get(target.table) ?? `unknown-table:${target.table}`;
      return target.index === undefined ? table : `${table}/index/${target.index}`;
    }
    case 'queue':
      return arns.queues.get(target.queueUrl) ?? `unknown-queue:${target.queueUrl}`;
    case 'connection':
      return `${arns.connectionsStage}/${target.method}/@connections/${target.connectionId}`;
    case 'unknown':
      return `unknown:${target.client}:${target.command}`;
  }
}

/** The distinct calls each function made, on the ARNs of the planned stack, sorted. */
export function callsOnArns(calls: readonly RecordedCall[], arns: ArnsOfStack): CallOnArn[] {
  const distinct = new Map<string, CallOnArn>();
  for (const call of calls) {
    const onArn = { fn: call.fn, action: call.action, resource: arnOf(call.target, arns) };
    distinct.set(JSON.stringify(onArn), onArn);
  }
  return [...distinct.values()].sort(byFields);
}

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare without regard to case. */
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

const allows = (grant: Grant, call: CallOnArn): boolean =>
  grant.fn === call.fn &&
  matches(grant.action, call.action, true) &&
  matches(grant.resource, call.resource, false);

/** Calls that no grant of their function allows: each would be AccessDenied on AWS. */
export function deniedCalls(calls: readonly CallOnArn[], grants: readonly Grant[]): CallOnArn[] {
  return calls.filter((call) => !grants.some((grant) => allows(grant, call)));
}

/** Grants that no recorded call of their function used. */
export function unusedGrants(grants: readonly Grant[], calls: readonly CallOnArn[]): Grant[] {
  return grants.filter((grant) => !calls.some((call) => allows(grant, call))).sort(byFields);
}

function byFields(a: Grant, b: Grant): number {
  return a.fn.localeCompare(b.fn) || a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource);
}

/**
 * How docs/operations.md names a grant: its action, with the method for @connections (one flag of the
 * route table grants both) and "on indexes" for the index wildcard (Terraform grants Query on both).
 */
export function grantLabel(grant: Grant): string {
  if (grant.resource.endsWith('/index/*')) return `${grant.action} on indexes`;
  const method = /\/(POST|DELETE|GET)\/@connections\//.exec(grant.resource)?.[1];
  return method === undefined ? grant.action : `${grant.action} ${method}`;
}
