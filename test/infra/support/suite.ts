// Infra test support: what every infra suite starts with. Finds the toolchain once per file, reports
// plainly when it is missing (a failure under REQUIRE_TERRAFORM=1, a skip otherwise), and makes
// throwaway workspaces that share plans through the plan cache.

import { describe, it } from '@jest/globals';
import { PlanCache } from './plan-cache.js';
import { locateToolchain } from './toolchain.js';
import { TerraformWorkspace, type WorkspaceOptions } from './workspace.js';

/** A cold plan starts the provider twice (plan, then show -json): slow on a busy machine. */
export const PLAN_TIMEOUT = 180_000;
/** Module addresses of the WebSocket API and of the backend HTTP API. */
export const WS = 'module.api';
export const HTTP = 'module.backend_api';

const toolchain = await locateToolchain();

if (!toolchain.ready) {
  if (process.env['REQUIRE_TERRAFORM'] === '1') {
    describe('terraform toolchain', () => {
      it('is present, as REQUIRE_TERRAFORM=1 demands', () => {
        throw new Error(`The infra suites cannot run: ${toolchain.reason}.`);
      });
    });
  } else {
    // One plain line (console.warn would add a code frame): the suites then report as skipped.
    process.stderr.write(
      `\ninfra tests SKIPPED: ${toolchain.reason}. They need terraform >= 1.9 and a local hashicorp/aws ` +
        'provider; REQUIRE_TERRAFORM=1 makes this a failure.\n',
    );
  }
}

const planCache = toolchain.ready ? await PlanCache.open(toolchain) : undefined;

/** `describe` when terraform and the provider are here, `describe.skip` otherwise. */
export const terraformSuite = toolchain.ready ? describe : describe.skip;

/** A throwaway copy of the configuration, its route table edited first when `editRouteTable` says so. */
export async function workspace(
  editRouteTable?: WorkspaceOptions['editRouteTable'],
): Promise<TerraformWorkspace> {
  if (!toolchain.ready) throw new Error('terraform toolchain missing');
  return TerraformWorkspace.create({
    terraform: toolchain.terraform,
    pluginDir: toolchain.pluginDir,
    ...(planCache ? { planCache } : {}),
    ...(editRouteTable ? { editRouteTable } : {}),
  });
}
