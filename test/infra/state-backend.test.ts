// Infra: where the state lives. backend.tf declares a partial S3 backend, and terraform/scripts/init.sh
// (the `terraform init` of make plan, deploy and destroy) refuses every way a run could start from empty
// state while the stack's real state is elsewhere. The script runs against a stand-in terraform that
// records its arguments; the real terraform shows it cannot init the backend without its settings.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLAN_TIMEOUT, terraformSuite, workspace } from './support/suite.js';
import { REPOSITORY_ROOT, TerraformFailure } from './support/workspace.js';

const run = promisify(execFile);
const INIT_SCRIPT = join(REPOSITORY_ROOT, 'terraform/scripts/init.sh');

interface Outcome {
  readonly code: number;
  readonly stderr: string;
  /** The terraform commands the script ran, one argument list per line. */
  readonly calls: string[];
}

describe('terraform/scripts/init.sh (the init of make plan, deploy and destroy)', () => {
  let dir: string;
  let tfDir: string;
  let fakeTerraform: string;
  let callLog: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-init-'));
    tfDir = join(dir, 'terraform');
    await run('mkdir', ['-p', tfDir]);
    callLog = join(dir, 'calls.log');
    fakeTerraform = join(dir, 'terraform-stand-in');
    await writeFile(fakeTerraform, `#!/usr/bin/env bash\necho "$*" >> "${callLog}"\n`);
    await chmod(fakeTerraform, 0o755);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function init(environment: Record<string, string>): Promise<Outcome> {
    await rm(callLog, { force: true });
    const env = { PATH: process.env['PATH'] ?? '', TERRAFORM: fakeTerraform, TF_DIR: tfDir, ...environment };
    const outcome = await run('bash', [INIT_SCRIPT], { env, cwd: dir }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    const calls = existsSync(callLog) ? (await readFile(callLog, 'utf8')).trim().split('\n') : [];
    return { ...outcome, calls };
  }

  async function backendFile(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  const S3_SETTINGS =
    'bucket = "acme-roomcast-tfstate"\nkey = "roomcast/prod.tfstate"\nregion = "eu-west-1"\n';

  it('refuses to run without a backend file, naming both ways out', async () => {
    const outcome = await init({});
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(/no TF_BACKEND_CONFIG/);
    expect(outcome.stderr).toMatch(/TF_STATE=local/);
    expect(outcome.calls).toEqual([]);
  });

  it('refuses to plan in CI without the shared backend, and refuses local state there', async () => {
    const withoutBackend = await init({ CI: 'true' });
    expect(withoutBackend.code).not.toBe(0);
    expect(withoutBackend.stderr).toMatch(/no TF_BACKEND_CONFIG in CI/);
    const local = await init({ GITHUB_ACTIONS: 'true', TF_STATE: 'local' });
    expect(local.code).not.toBe(0);
    expect(local.stderr).toMatch(/TF_STATE=local in CI/);
    expect([...withoutBackend.calls, ...local.calls]).toEqual([]);
  });

  it('refuses a backend file that does not exist, or that names no bucket or key', async () => {
    const missing = await init({ TF_BACKEND_CONFIG: join(dir, 'backends/prod.s3.tfbackend') });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no such file/);
    const incomplete = await init({
      TF_BACKEND_CONFIG: await backendFile('half.tfbackend', 'region = "eu-west-1"\n'),
    });
    expect(incomplete.code).not.toBe(0);
    expect(incomplete.stderr).toMatch(/sets no bucket or no key/);
    expect([...missing.calls, ...incomplete.calls]).toEqual([]);
  });

  it('refuses the S3 backend while local state with resources is here, pointing at -migrate-state', async () => {
    const state = join(tfDir, 'terraform.tfstate');
    await writeFile(
      state,
      JSON.stringify({ resources: [{ mode: 'managed', type: 'aws_dynamodb_table' }] }, null, 2),
    );
    try {
      const outcome = await init({ TF_BACKEND_CONFIG: await backendFile('prod.s3.tfbackend', S3_SETTINGS) });
      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr).toMatch(/-migrate-state/);
      expect(outcome.calls).toEqual([]);
    } finally {
      await rm(state);
    }
  });

  it('inits the S3 backend with the file, never carrying state over from another backend, then selects the workspace', async () => {
    const file = await backendFile('prod.s3.tfbackend', S3_SETTINGS);
    const outcome = await init({ TF_BACKEND_CONFIG: file, TF_WORKSPACE_NAME: 'prod', CI: 'true' });
    expect(outcome.code).toBe(0);
    expect(outcome.calls).toEqual([
      `-chdir=${tfDir} init -input=false -reconfigure -backend-config=${file}`,
      `-chdir=${tfDir} workspace select -or-create prod`,
    ]);
    expect(existsSync(join(tfDir, 'local_state_override.tf'))).toBe(false);
  });

  it('keeps local state only when TF_STATE=local says so, and drops that choice on the next run', async () => {
    const local = await init({ TF_STATE: 'local' });
    expect(local.code).toBe(0);
    expect(local.calls).toEqual([`-chdir=${tfDir} init -input=false -reconfigure`]);
    const override = await readFile(join(tfDir, 'local_state_override.tf'), 'utf8');
    expect(override).toMatch(/backend "local" \{\}/);

    const contradiction = await init({
      TF_STATE: 'local',
      TF_BACKEND_CONFIG: join(dir, 'prod.s3.tfbackend'),
    });
    expect(contradiction.stderr).toMatch(/contradict/);

    const remote = await init({ TF_BACKEND_CONFIG: await backendFile('prod.s3.tfbackend', S3_SETTINGS) });
    expect(remote.code).toBe(0);
    expect(existsSync(join(tfDir, 'local_state_override.tf'))).toBe(false);
  });
});

terraformSuite('the S3 backend declared in backend.tf', () => {
  it(
    'leaves terraform unable to init without the backend settings: it never falls back to local state',
    async () => {
      const tf = await workspace();
      try {
        // The offline tests' override swaps in a local backend; without it, the repository's backend applies.
        await rm(join(tf.terraformDir, 'offline_override.tf'));
        const refusal = await tf.init().then(
          () => 'initialised',
          (error: unknown) => (error instanceof TerraformFailure ? error.output : String(error)),
        );
        // The first setting terraform misses: the region (none in this environment), or else the key.
        expect(refusal).toMatch(/backend "s3"/);
        expect(refusal).toMatch(/Missing region value|attribute "(key|bucket)" is required/);
        expect(existsSync(join(tf.terraformDir, 'terraform.tfstate'))).toBe(false);
      } finally {
        await tf.dispose();
      }
    },
    PLAN_TIMEOUT,
  );
});
