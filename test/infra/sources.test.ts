// Infra: the Terraform sources, before anything is planned. Every module is formatted, has its four
// files, types and describes its variables and outputs, and is valid on its own.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLAN_TIMEOUT, terraformSuite, workspace } from './support/suite.js';
import { REPOSITORY_ROOT, type TerraformWorkspace } from './support/workspace.js';

terraformSuite('terraform sources', () => {
  let tf: TerraformWorkspace;
  const modules = readdirSync(join(REPOSITORY_ROOT, 'terraform/modules')).map((name) => `modules/${name}`);

  beforeAll(async () => {
    tf = await workspace();
  });

  afterAll(async () => {
    await tf?.dispose();
  });

  it('are formatted (terraform fmt -check -recursive)', async () => {
    await expect(
      tf.terraform(['fmt', '-check', '-recursive', '-diff', '-no-color', 'terraform'], REPOSITORY_ROOT),
    ).resolves.toBe('');
  });

  it('hold a module per concern, each with main.tf, variables.tf, outputs.tf and versions.tf', () => {
    expect(modules.sort()).toEqual([
      'modules/function',
      'modules/http_api',
      'modules/monitoring',
      'modules/queue',
      'modules/table',
      'modules/websocket_api',
    ]);
    for (const module of ['.', ...modules]) {
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) {
        expect([module, existsSync(join(REPOSITORY_ROOT, 'terraform', module, file))]).toEqual([
          module,
          true,
        ]);
      }
    }
  });

  it('type and describe every variable and describe every output', () => {
    for (const module of ['.', ...modules]) {
      for (const [file, kind, needs] of [
        ['variables.tf', 'variable', ['description', 'type']],
        ['outputs.tf', 'output', ['description', 'value']],
      ] as const) {
        const text = readFileSync(join(REPOSITORY_ROOT, 'terraform', module, file), 'utf8');
        const blocks = text.split(new RegExp(`^${kind} "`, 'm')).slice(1);
        expect(blocks.length).toBeGreaterThan(0);
        for (const body of blocks) {
          const name = body.slice(0, body.indexOf('"'));
          for (const argument of needs) {
            expect([
              `${module}/${file}`,
              name,
              argument,
              new RegExp(`^\\s+${argument}\\s+=`, 'm').test(body),
            ]).toEqual([`${module}/${file}`, name, argument, true]);
          }
        }
      }
    }
  });

  it.each([
    '.',
    'modules/function',
    'modules/http_api',
    'modules/monitoring',
    'modules/queue',
    'modules/table',
    'modules/websocket_api',
  ])(
    'validate %s (terraform validate)',
    async (module) => {
      const dir = join(tf.terraformDir, module);
      await tf.init(dir, { backend: false });
      const result = JSON.parse(await tf.terraform(['validate', '-json', '-no-color'], dir)) as {
        valid: boolean;
        diagnostics: { severity: string; summary: string; detail?: string }[];
      };
      // reset_on_delete is deprecated in provider 5.x only because 6.0 always resets the account settings
      // on delete; until then it is what makes a destroy reset them. Any other diagnostic fails.
      const others = result.diagnostics.filter(
        (diagnostic) =>
          !(
            diagnostic.severity === 'warning' &&
            diagnostic.summary === 'Attribute Deprecated' &&
            /"reset_on_delete" attribute will be removed/.test(diagnostic.detail ?? '')
          ),
      );
      expect(others).toEqual([]);
      expect(result.valid).toBe(true);
    },
    PLAN_TIMEOUT,
  );
});
