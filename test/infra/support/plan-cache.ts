// Infra test support: `terraform show -json` of plans, kept in the system's temporary folder under a key
// made of everything the plan reads (the workspace's files and state, the variables file and arguments,
// the terraform version, the provider binary), so that the suites of each module share one plan of each
// stack instead of paying terraform's provider start-up once per file.

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { PlanJson } from './plan.js';

/** Raised when what the cache stores changes shape, so that older entries are never read. */
const FORMAT = 'show-json-1';

/** Working-directory files terraform writes itself: they follow from the inputs, never add to them. */
function isDerived(name: string): boolean {
  return name === '.terraform' || name === '.terraform.lock.hcl' || name.endsWith('.tfplan');
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !isDerived(entry.name))
      .map((entry) =>
        entry.isDirectory()
          ? filesUnder(root, join(dir, entry.name))
          : Promise.resolve([join(dir, entry.name)]),
      ),
  );
  return nested.flat().sort();
}

/** Size and modification time of every file of the provider: a rebuilt or upgraded provider is a new key. */
async function providerStamp(pluginDir: string): Promise<string[]> {
  const provider = join(pluginDir, 'registry.terraform.io', 'hashicorp', 'aws');
  const files = await filesUnder(provider).catch(() => []);
  return Promise.all(
    files.map(async (file) => {
      const { size, mtimeMs } = await stat(file);
      return `${relative(provider, file)}:${size}:${mtimeMs}`;
    }),
  );
}

export class PlanCache {
  private constructor(
    private readonly dir: string,
    private readonly toolchainKey: string,
  ) {}

  static async open(toolchain: {
    terraform: string;
    version: string;
    pluginDir: string;
  }): Promise<PlanCache> {
    const dir = join(tmpdir(), 'roomcast-infra-plans');
    await mkdir(dir, { recursive: true });
    const stamp = [
      FORMAT,
      toolchain.terraform,
      toolchain.version,
      ...(await providerStamp(toolchain.pluginDir)),
    ];
    return new PlanCache(dir, stamp.join('\n'));
  }

  /** The key of a plan of the workspace under `root`, run with `args`. */
  async key(root: string, args: readonly string[]): Promise<string> {
    const hash = createHash('sha256').update(this.toolchainKey).update('\0').update(args.join('\0'));
    for (const file of await filesUnder(root)) {
      hash
        .update('\0')
        .update(relative(root, file))
        .update('\0')
        .update(await readFile(file));
    }
    return hash.digest('hex');
  }

  async read(key: string): Promise<PlanJson | undefined> {
    const text = await readFile(join(this.dir, `${key}.json`), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as PlanJson);
  }

  /** Written aside and renamed, so that a suite running at the same time never reads half a plan. */
  async write(key: string, json: string): Promise<void> {
    const partial = join(this.dir, `${key}.${randomUUID()}.partial`);
    await writeFile(partial, json);
    await rename(partial, join(this.dir, `${key}.json`));
  }
}
