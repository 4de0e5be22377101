// Infra test support: finds the terraform binary and a local copy of the hashicorp/aws provider, so
// that the suites run offline (init never downloads a provider) or report exactly what is missing.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Oldest Terraform the root module accepts (cross-variable validation). */
const MINIMUM_VERSION = [1, 9] as const;

export type Toolchain =
  | { readonly ready: true; readonly terraform: string; readonly version: string; readonly pluginDir: string }
  | { readonly ready: false; readonly reason: string };

/** Terraform's name for this platform, as used in provider directories (linux_amd64, darwin_arm64...). */
function platform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${process.platform}_${arch}`;
}

/**
 * Whether `dir` can serve hashicorp/aws to `terraform init -plugin-dir`: either the unpacked layout
 * (registry.terraform.io/hashicorp/aws/<version>/<platform>/terraform-provider-aws_*) or the packed one
 * (registry.terraform.io/hashicorp/aws/terraform-provider-aws_<version>_<platform>.zip).
 */
export function holdsAwsProvider(dir: string): boolean {
  const provider = join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(provider)) return false;
  const entries = readdirSync(provider, { withFileTypes: true });
  return entries.some((entry) =>
    entry.isDirectory()
      ? existsSync(join(provider, entry.name, platform()))
      : entry.name.startsWith('terraform-provider-aws_') && entry.name.endsWith(`_${platform()}.zip`),
  );
}

/** Plugin directories to try, in order, when TF_PLUGIN_DIR is not set. */
function candidatePluginDirs(): string[] {
  const dataHome = process.env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share');
  const wellKnown = [
    join(homedir(), '.terraform.d', 'plugins'),
    join(dataHome, 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  // Machine images and CI runners often preinstall provider mirrors as a directory under /opt.
  const underOpt = existsSync('/opt')
    ? readdirSync('/opt', { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join('/opt', entry.name))
    : [];
  return [...wellKnown, ...underOpt];
}

function findPluginDir(): { dir?: string; reason?: string } {
  const configured = process.env['TF_PLUGIN_DIR'];
  if (configured) {
    return holdsAwsProvider(configured)
      ? { dir: configured }
      : { reason: `TF_PLUGIN_DIR=${configured} holds no hashicorp/aws provider for ${platform()}` };
  }
  const dir = candidatePluginDirs().find(holdsAwsProvider);
  return dir
    ? { dir }
    : {
        reason:
          'no local copy of the hashicorp/aws provider was found; point TF_PLUGIN_DIR at one ' +
          '(for example the output of `terraform providers mirror DIR`)',
      };
}

async function terraformVersion(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(binary, ['version', '-json'], {
      env: { PATH: process.env['PATH'], CHECKPOINT_DISABLE: '1' },
    });
    return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return undefined;
  }
}

/** Locates terraform (TERRAFORM or PATH) and the aws provider; says why when either is missing. */
export async function locateToolchain(): Promise<Toolchain> {
  const terraform = process.env['TERRAFORM'] ?? 'terraform';
  const version = await terraformVersion(terraform);
  if (version === undefined) return { ready: false, reason: `\`${terraform}\` was not found or did not run` };
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MINIMUM_VERSION[0] || (major === MINIMUM_VERSION[0] && minor < MINIMUM_VERSION[1])) {
    return { ready: false, reason: `terraform ${version} is older than ${MINIMUM_VERSION.join('.')}` };
  }
  const plugins = findPluginDir();
  if (plugins.dir === undefined) return { ready: false, reason: plugins.reason ?? 'no aws provider' };
  return { ready: true, terraform, version, pluginDir: plugins.dir };
}
