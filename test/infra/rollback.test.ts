// Infra: rollback. Every function publishes a version per change behind a `live` alias, and everything
// that invokes a function (API Gateway integrations and the authorizer, invoke permissions, the queue's
// event source mapping) targets that alias, so terraform/scripts/rollback.sh (`make rollback`) can point
// it at an earlier version without a build. The script runs against a stand-in AWS CLI.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { existingStackState, FAKE_ACCOUNT } from './support/plan.js';
import { get } from './support/resources.js';
import {
  EXISTING_PROD,
  existingProdStack,
  inExistingProdStack,
  inNewProdStack,
  usePlannedStack,
} from './support/stacks.js';
import { HTTP, terraformSuite, WS } from './support/suite.js';
import { REPOSITORY_ROOT } from './support/workspace.js';

const run = promisify(execFile);

terraformSuite('versions behind a live alias', () => {
  inNewProdStack((stack, prefix) => {
    it('publishes a version of every function on each change and points its live alias at it', () => {
      const functions = stack.plan.perFunction('aws_lambda_function');
      const aliases = stack.plan.perFunction('aws_lambda_alias');
      expect([...aliases.keys()].sort()).toEqual([...functions.keys()].sort());
      for (const [name, fn] of functions) {
        expect([name, fn.after['publish']]).toEqual([name, true]);
        expect([name, get(aliases, name).after]).toEqual([
          name,
          expect.objectContaining({ name: 'live', function_name: `${prefix}-${name}` }),
        ]);
      }
      expect(stack.plan.references(['functions'], 'aws_lambda_alias.live', 'function_version')).toContain(
        'aws_lambda_function.this.version',
      );
    });
  });

  inExistingProdStack((existing, prefix, { region }) => {
    const aliasArn = (name: string) =>
      `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${prefix}-${name}:live`;
    const aliasInvokeArn = (name: string) =>
      `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${aliasArn(name)}/invocations`;

    it('integrates every route of both APIs, and the authorizer, with the live alias of its function', () => {
      const table = existing.tf.routeTable;
      for (const [module, routes] of [
        [WS, table.routes],
        [HTTP, table.httpRoutes],
      ] as const) {
        const integrations = existing.plan.byKey('aws_apigatewayv2_integration', module);
        expect(integrations.size).toBe(Object.keys(routes).length);
        for (const [key, target] of Object.entries(routes)) {
          expect([module, key, get(integrations, key).after['integration_uri']]).toEqual([
            module,
            key,
            aliasInvokeArn(target),
          ]);
        }
      }
      expect(
        existing.plan.resource(`${WS}.aws_apigatewayv2_authorizer.this[0]`).after['authorizer_uri'],
      ).toBe(aliasInvokeArn(table.authorizer.function));
    });

    it('lets API Gateway invoke the live alias only: every invoke permission names it', () => {
      const permissions = existing.plan.resources('aws_lambda_permission');
      expect(permissions.length).toBeGreaterThan(0);
      for (const permission of permissions) {
        expect([permission.address, permission.after['qualifier']]).toEqual([permission.address, 'live']);
      }
    });

    it("feeds the worker's live alias from the queue", () => {
      const mappings = existing.plan.resources('aws_lambda_event_source_mapping');
      expect(mappings.length).toBe(Object.keys(existing.tf.routeTable.queues).length);
      for (const mapping of mappings) {
        const worker = /^module\.functions\["([^"]+)"\]$/.exec(mapping.module ?? '')?.[1] ?? '';
        expect(mapping.after['function_name']).toBe(aliasArn(worker));
      }
    });
  });

  describe('replacing integrations of the existing stack', () => {
    const replaced = {
      [WS]: 'join',
      [HTTP]: 'POST /broadcast',
    } as const;
    const stack = usePlannedStack(async () => {
      const { tf, plan } = await existingProdStack();
      // The integrations exist too, so that -replace has something to replace.
      await tf.writeState(existingStackState(plan, EXISTING_PROD.region, ['aws_apigatewayv2_integration']));
      return {
        tf,
        plan: await tf.plan('examples/prod.tfvars', [
          '-refresh=false',
          ...Object.entries(replaced).map(
            ([module, key]) => `-replace=${module}.aws_apigatewayv2_integration.this["${key}"]`,
          ),
        ]),
      };
    });

    it('creates the successor before destroying the old integration, so a route never points at nothing', () => {
      for (const [module, key] of Object.entries(replaced)) {
        const integration = get(stack.plan.byKey('aws_apigatewayv2_integration', module), key);
        expect([integration.address, integration.actions]).toEqual([
          integration.address,
          ['create', 'delete'],
        ]);
      }
    });
  });
});

describe('terraform/scripts/rollback.sh (make rollback)', () => {
  const SCRIPT = join(REPOSITORY_ROOT, 'terraform/scripts/rollback.sh');
  let dir: string;
  let fakeAws: string;
  let callLog: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-rollback-'));
    callLog = join(dir, 'calls.log');
    fakeAws = join(dir, 'aws');
    // A stand-in AWS CLI: credentials unless NO_CREDENTIALS, an alias on version CURRENT, VERSIONS published,
    // no function named like MISSING; it records every lambda call.
    await writeFile(
      fakeAws,
      `#!/usr/bin/env bash
case "$1 $2" in
  "sts get-caller-identity")
    if [ -n "\${NO_CREDENTIALS:-}" ]; then echo "Unable to locate credentials." >&2; exit 255; fi
    echo "arn:aws:sts::${FAKE_ACCOUNT}:assumed-role/operator/me" ;;
  "lambda get-alias")
    echo "$*" >> "${callLog}"
    if [ -n "\${MISSING:-}" ] && [[ "$*" == *"$MISSING"* ]]; then
      echo "An error occurred (ResourceNotFoundException) when calling the GetAlias operation" >&2; exit 254
    fi
    echo "\${CURRENT:-3}" ;;
  "lambda list-versions-by-function")
    echo "$*" >> "${callLog}"
    printf '%s\\n' "\${VERSIONS:-\\$LATEST 1 2 3}" | tr ' ' '\\t' ;;
  "lambda update-alias")
    echo "$*" >> "${callLog}" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`,
    );
    await chmod(fakeAws, 0o755);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function rollback(environment: Record<string, string>) {
    await rm(callLog, { force: true });
    const env = {
      PATH: process.env['PATH'] ?? '',
      AWS_CLI: fakeAws,
      TF_VARS: join(REPOSITORY_ROOT, 'terraform/examples/dev.tfvars'),
      ROUTE_TABLE: join(REPOSITORY_ROOT, 'src/handlers/route-table.json'),
      ...environment,
    };
    const outcome = await run('bash', [SCRIPT], { env, cwd: dir }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );
    const calls = existsSync(callLog) ? (await readFile(callLog, 'utf8')).trim().split('\n') : [];
    return { ...outcome, updates: calls.filter((call) => call.startsWith('lambda update-alias')) };
  }

  it('says how to call it without FUNCTION, and what is missing without the AWS CLI or credentials', async () => {
    const usage = await rollback({});
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/FUNCTION is not set\. usage: make rollback FUNCTION=/);
    const noCli = await rollback({ FUNCTION: 'message', AWS_CLI: join(dir, 'no-such-aws') });
    expect(noCli.code).not.toBe(0);
    expect(noCli.stderr).toMatch(/the AWS CLI .* was not found/);
    const noCredentials = await rollback({ FUNCTION: 'message', NO_CREDENTIALS: '1' });
    expect(noCredentials.code).not.toBe(0);
    expect(noCredentials.stderr).toMatch(/no usable AWS credentials .*Unable to locate credentials/);
    expect([...usage.updates, ...noCli.updates, ...noCredentials.updates]).toEqual([]);
  });

  it("points one function's live alias at the version before the one it serves", async () => {
    const outcome = await rollback({ FUNCTION: 'message', CURRENT: '3', VERSIONS: '$LATEST\t1\t2\t3\t10' });
    expect(outcome.code).toBe(0);
    expect(outcome.updates).toEqual([
      'lambda update-alias --function-name roomcast-dev-message --name live --function-version 2 --query FunctionVersion --output text',
    ]);
    expect(outcome.stdout).toMatch(/roomcast-dev-message: live 3 -> 2/);
  });

  it('goes to a chosen version with TO_VERSION, and refuses when there is no earlier version', async () => {
    const chosen = await rollback({ FUNCTION: 'connect', TO_VERSION: '7' });
    expect(chosen.updates).toEqual([
      'lambda update-alias --function-name roomcast-dev-connect --name live --function-version 7 --query FunctionVersion --output text',
    ]);
    const first = await rollback({ FUNCTION: 'connect', CURRENT: '1' });
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/no earlier version/);
    expect(first.updates).toEqual([]);
  });

  it('rolls back every function of the route table with FUNCTION=all, passing over those the stack does not have', async () => {
    const outcome = await rollback({
      FUNCTION: 'all',
      STACK: 'roomcast-prod',
      MISSING: 'roomcast-prod-authorizer',
    });
    expect(outcome.code).toBe(0);
    const routeTable = JSON.parse(
      await readFile(join(REPOSITORY_ROOT, 'src/handlers/route-table.json'), 'utf8'),
    ) as { functions: Record<string, unknown> };
    const expected = Object.keys(routeTable.functions)
      .filter((name) => name !== 'authorizer')
      .map(
        (name) =>
          `lambda update-alias --function-name roomcast-prod-${name} --name live --function-version 2 --query FunctionVersion --output text`,
      );
    expect(outcome.updates.sort()).toEqual(expected.sort());
    expect(outcome.stdout).toMatch(/roomcast-prod-authorizer: not deployed, skipped/);
  });
});
