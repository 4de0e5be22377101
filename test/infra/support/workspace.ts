// Infra test support: a throwaway copy of the Terraform configuration, laid out like the repository
// (terraform/, the route table, the table definition, dist/<function>.zip), where terraform runs
// offline: the provider comes from a local plugin directory and a test-only override file gives it
// fake credentials and tells it never to call AWS. Nothing (.terraform/, state, plans) lands in the repo.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PlanView, type PlanJson } from './plan.js';
import type { PlanCache } from './plan-cache.js';

const run = promisify(execFile);

export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROUTE_TABLE_PATH = 'src/handlers/route-table.json';
const TABLE_DEFINITION_PATH = 'src/adapters/dynamodb/table-definition.json';

/**
 * Keeps state local even where a team has configured a remote backend, replaces the provider's
 * credentials and turns off every call the provider makes while configuring itself.
 */
const OFFLINE_OVERRIDE = `# Written by the infra tests into their temporary copy only.
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "offline-test"
  secret_key                  = "offline-test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
`;

export interface RouteTableJson {
  routeSelectionExpression: string;
  authorizer: { function: string; identitySources: string[] };
  routes: Record<string, string>;
  /** Backend HTTP API route key (`METHOD /path/{param}`) -> function name. */
  httpRoutes: Record<string, string>;
  /** Queue name -> the function its event source mapping invokes, and the mapping's settings. */
  queues: Record<
    string,
    { function: string; batchSize: number; maximumConcurrency: number; maxReceiveCount: number }
  >;
  functions: Record<
    string,
    { entry: string; dynamodb: string[]; manageConnections: boolean; sqs?: string[] }
  >;
}

export interface WorkspaceOptions {
  readonly terraform: string;
  readonly pluginDir: string;
  /** Changes the copy of the route table before anything runs (to add a route, say). */
  readonly editRouteTable?: (table: RouteTableJson) => void;
  /** Where plans of identical inputs are shared between suites; every plan runs terraform without it. */
  readonly planCache?: PlanCache;
}

export class TerraformFailure extends Error {
  override readonly name = 'TerraformFailure';
  constructor(
    readonly args: readonly string[],
    readonly output: string,
  ) {
    super(`terraform ${args.join(' ')} failed:\n${output}`);
  }
}

/** Files and folders of a working directory that must not be copied: they belong to local runs. */
function isLocalArtefact(path: string): boolean {
  const name = basename(path);
  return (
    name === '.terraform' ||
    name === '.terraform.lock.hcl' ||
    name.endsWith('.tfplan') ||
    name === 'local_state_override.tf' ||
    name.startsWith('terraform.tfstate')
  );
}

export class TerraformWorkspace {
  /** base64 SHA-256 of each function's package in the copy, as Terraform's filebase64sha256 gives it. */
  readonly packageHashes = new Map<string, string>();
  /** The root module's `terraform init`, run once and only when a plan is not found in the cache. */
  private rootInit: Promise<void> | undefined;
  private plans = 0;

  private constructor(
    readonly root: string,
    readonly routeTable: RouteTableJson,
    private readonly options: WorkspaceOptions,
  ) {}

  get terraformDir(): string {
    return join(this.root, 'terraform');
  }

  static async create(options: WorkspaceOptions): Promise<TerraformWorkspace> {
    const root = await mkdtemp(join(tmpdir(), 'roomcast-infra-'));
    const routeTable = JSON.parse(
      await readFile(join(REPOSITORY_ROOT, ROUTE_TABLE_PATH), 'utf8'),
    ) as RouteTableJson;
    options.editRouteTable?.(routeTable);
    const workspace = new TerraformWorkspace(root, routeTable, options);

    await cp(join(REPOSITORY_ROOT, 'terraform'), workspace.terraformDir, {
      recursive: true,
      filter: (source) => !isLocalArtefact(source),
    });
    await writeFile(join(workspace.terraformDir, 'offline_override.tf'), OFFLINE_OVERRIDE);
    await mkdir(join(root, dirname(ROUTE_TABLE_PATH)), { recursive: true });
    await writeFile(join(root, ROUTE_TABLE_PATH), JSON.stringify(routeTable, null, 2));
    await mkdir(join(root, dirname(TABLE_DEFINITION_PATH)), { recursive: true });
    await cp(join(REPOSITORY_ROOT, TABLE_DEFINITION_PATH), join(root, TABLE_DEFINITION_PATH));
    // Terraform only hashes and uploads the packages: distinct stand-ins keep these tests independent of
    // `make build` and show which package each function gets.
    await mkdir(join(root, 'dist'), { recursive: true });
    for (const name of Object.keys(routeTable.functions)) {
      const content = Buffer.from(`stand-in package of ${name}\n`);
      await writeFile(join(root, 'dist', `${name}.zip`), content);
      workspace.packageHashes.set(name, createHash('sha256').update(content).digest('base64'));
    }
    // An empty CLI configuration: the user's own (plugin caches, network mirrors) must not apply here.
    await writeFile(join(root, 'terraformrc'), '');
    return workspace;
  }

  /** Runs terraform in `cwd` (the root module by default); rejects with its output when it fails. */
  async terraform(args: readonly string[], cwd = this.terraformDir): Promise<string> {
    try {
      const { stdout } = await run(this.options.terraform, [...args], {
        cwd,
        env: {
          PATH: process.env['PATH'],
          HOME: this.root,
          TMPDIR: tmpdir(),
          TF_CLI_CONFIG_FILE: join(this.root, 'terraformrc'),
          TF_IN_AUTOMATION: '1',
          TF_INPUT: '0',
          CHECKPOINT_DISABLE: '1',
        },
        maxBuffer: 256 * 1024 * 1024,
        timeout: 120_000,
      });
      return stdout;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      throw new TerraformFailure(args, `${failure.stderr ?? ''}${failure.stdout ?? ''}` || failure.message);
    }
  }

  /** `terraform init` from the local plugin directory only: never a download. */
  async init(cwd = this.terraformDir, options: { backend: boolean } = { backend: true }): Promise<void> {
    await this.terraform(
      [
        'init',
        '-input=false',
        '-no-color',
        `-plugin-dir=${this.options.pluginDir}`,
        ...(options.backend ? [] : ['-backend=false']),
      ],
      cwd,
    );
  }

  /**
   * Plans the root module with a variables file of the copy and returns `terraform show -json` of it,
   * initialising the root module first if it was not. Failed plans are never cached.
   */
  async plan(varFile: string, extraArgs: readonly string[] = []): Promise<PlanView> {
    const args = [`-var-file=${varFile}`, ...extraArgs];
    const cache = this.options.planCache;
    const key = cache && (await cache.key(this.root, args));
    const cached = key === undefined ? undefined : await cache?.read(key);
    if (cached) return new PlanView(cached);

    this.rootInit ??= this.init();
    await this.rootInit;
    const out = join(this.root, `plan-${++this.plans}.tfplan`);
    await this.terraform(['plan', '-input=false', '-no-color', '-lock=false', ...args, `-out=${out}`]);
    const json = await this.terraform(['show', '-json', out]);
    if (key !== undefined) await cache?.write(key, json);
    return new PlanView(JSON.parse(json) as PlanJson);
  }

  /** What terraform says when it refuses to plan (its output), or "planned" when it does not refuse. */
  refusal(varFile: string, extraArgs: readonly string[]): Promise<string> {
    return this.plan(varFile, extraArgs).then(
      () => 'planned',
      (error: unknown) => (error instanceof TerraformFailure ? error.output : String(error)),
    );
  }

  /** Writes the state the next plan starts from (the local backend's terraform.tfstate). */
  async writeState(state: unknown): Promise<void> {
    await writeFile(join(this.terraformDir, 'terraform.tfstate'), JSON.stringify(state, null, 2));
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
