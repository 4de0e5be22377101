// Infra: the pull-request workflow gives AWS credentials to nothing but the plan. The plan job waits for
// the tests, installs and builds before its credentials step, and after it runs only `make plan` on the
// bundles already built, which `make -n` shows runs neither npm nor the build.

import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from './support/workspace.js';

const run = promisify(execFile);
const WORKFLOW = readFileSync(join(REPOSITORY_ROOT, '.github/workflows/pull-request.yml'), 'utf8');

/** The text of job `name` under `jobs:` (two-space keys), up to the next job. */
function job(name: string): string {
  const lines = WORKFLOW.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`no job ${name} in the workflow`);
  const end = lines.findIndex((line, index) => index > start && /^ {2}[A-Za-z0-9_-]+:/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The steps of a job, each as its text (a step starts at "      - "). */
function steps(jobText: string): string[] {
  const body = jobText.slice(jobText.indexOf('    steps:'));
  return body.split(/\n(?= {6}- )/).slice(1);
}

const isCredentials = (step: string) => step.includes('aws-actions/configure-aws-credentials');
const runsJavaScript = (step: string) =>
  /\bnpm (ci|install|run)\b|\bmake [^\n]*\b(install|build|test)\b|\bnpx\b|\bnode\b/.test(step);

describe('the pull-request workflow', () => {
  it('gives the test job no AWS credentials and no OIDC token', () => {
    const test = job('test');
    expect(steps(test).length).toBeGreaterThan(3);
    expect(steps(test).filter(isCredentials)).toEqual([]);
    expect(test).not.toMatch(/id-token:\s*write/);
  });

  it('starts the plan job only after the tests passed, and installs and builds before its credentials', () => {
    const terraform = job('terraform');
    expect(terraform).toMatch(/^ {4}needs: test$/m);
    const all = steps(terraform);
    const credentials = all.findIndex(isCredentials);
    expect(credentials).toBeGreaterThan(0);
    const build = all.findIndex((step) => /run: make install build/.test(step));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(build).toBeLessThan(credentials);
    const after = all.slice(credentials + 1);
    expect(after.filter(runsJavaScript)).toEqual([]);
    const plan = after.filter((step) => /run: make plan/.test(step));
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatch(/make plan PREBUILT=1 /);
  });

  it('builds nothing in `make plan PREBUILT=1`, and does without it', async () => {
    const dryRun = async (args: string[]) =>
      (await run('make', ['-n', 'plan', 'TF_STATE=local', ...args], { cwd: REPOSITORY_ROOT })).stdout;
    const prebuilt = await dryRun(['PREBUILT=1']);
    expect(prebuilt).toMatch(/terraform -chdir=terraform plan /);
    expect(prebuilt).not.toMatch(/build-functions|npm /);
    expect(await dryRun([])).toMatch(/build-functions/);
  });
});
