// Client package: `@roomcast/client` as the people who install it get it. The package is built
// (scripts/build-client.mjs) and packed with `npm pack`, the tarball installed offline into an empty
// project, and there it is imported by Node and used against the local stack, type-checked with tsc
// against its own declarations, and bundled for the browser by esbuild with no configuration.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useDevStack } from '../support/dev-stack-suite.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const packageDir = join(root, 'packages/client');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
/** The tools run as plain Node programs, not under Jest's VM modules. */
const env = { ...process.env, NODE_OPTIONS: '' };
const stack = useDevStack();

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly filename: string;
  readonly files: readonly PackedFile[];
}
interface Manifest {
  readonly name: string;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly dependencies?: Record<string, string>;
}

let project: string;
let packed: PackResult;
let manifest: Manifest;

/** Runs a program in the installed project; rejects with its output when it fails. */
async function inProject(command: string, args: readonly string[], timeout = 60_000) {
  try {
    return await run(command, args, { cwd: project, env, timeout });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

/**
 * What the project borrows from this repository's node_modules: `ws` for Node 20, which has no global
 * WebSocket, its types for the type check, and React for the bindings (an optional peer dependency).
 */
async function linkFromRepository(name: string): Promise<void> {
  const target = join(project, 'node_modules', name);
  await mkdir(dirname(target), { recursive: true });
  await symlink(join(root, 'node_modules', name), target, 'dir');
}

const reactBindingsBuilt = () => existsSync(join(packageDir, 'dist/react.js'));

beforeAll(async () => {
  await run(process.execPath, ['scripts/build-client.mjs'], { cwd: root, env });
  project = await mkdtemp(join(tmpdir(), 'roomcast-client-package-'));
  const { stdout } = await run('npm', ['pack', packageDir, '--json', '--pack-destination', project], {
    cwd: project,
    env,
  });
  [packed] = JSON.parse(stdout) as [PackResult];
  manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as Manifest;
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'client-package-check', private: true, type: 'module' }),
  );
  // The package has no dependencies, so the install needs no registry.
  await inProject('npm', ['install', `./${packed.filename}`, '--offline', '--no-audit', '--no-fund']);
  for (const name of ['ws', '@types/ws', 'react', '@types/react']) await linkFromRepository(name);
}, 120_000);

afterAll(async () => {
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

describe('the packed client package', () => {
  it('holds the bundles and declarations every export names, and no source', () => {
    const files = packed.files.map((file) => file.path);
    const targets = Object.entries(manifest.exports)
      // The React bindings are an export once their source exists (scripts/build-client.mjs builds them then).
      .filter(([subpath]) => subpath !== './react' || reactBindingsBuilt())
      .flatMap(([, target]) => (typeof target === 'string' ? [target] : Object.values(target)))
      .map((target) => target.replace(/^\.\//, ''));
    expect(targets).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/types/client/index.d.ts', 'package.json']),
    );
    expect(files).toEqual(expect.arrayContaining(targets));
    expect(files.filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(manifest.dependencies).toBeUndefined();
  });

  it('imports in Node, checks fields with the service rules and chats with the local stack', async () => {
    await writeFile(
      join(project, 'chat.mjs'),
      `import { RoomcastClient, isValidRoomName } from '@roomcast/client';
const [url, token] = process.argv.slice(2);
// Node 22 and browsers have a global WebSocket; Node 20 takes the ws package's.
const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;
const client = new RoomcastClient({ url, token, WebSocket });
const received = new Promise((done) =>
  client.on('message', ({ message, source }) => source === 'live' && done(message.text)),
);
client.connect();
await client.joinRoom('package-check');
const ack = await client.send('package-check', 'hello from the package');
console.log(JSON.stringify({ good: isValidRoomName('general'), bad: isValidRoomName('no spaces'), seq: ack.seq, text: await received }));
client.close();
`,
    );
    const { stdout } = await inProject(process.execPath, [
      'chat.mjs',
      stack().wsUrl,
      stack().tokenFor('packaged', 'Packaged'),
    ]);
    expect(JSON.parse(stdout)).toEqual({ good: true, bad: false, seq: 1, text: 'hello from the package' });
  });

  it('type-checks an application against the installed declarations', async () => {
    await writeFile(
      join(project, 'app.ts'),
      `import { RoomcastClient, RoomcastError, isValidRoomName, type RoomcastClientOptions, type RoomMessageEvent } from '@roomcast/client';
import WebSocket from 'ws';

const options: RoomcastClientOptions = { url: 'ws://localhost:3001/local', token: () => 'jwt', WebSocket };
const client = new RoomcastClient(options);
const texts: string[] = [];
client.on('message', ({ message }: { message: RoomMessageEvent }) => texts.push(message.text));
export const valid: boolean = isValidRoomName('general');
export async function post(): Promise<number> {
  try {
    return (await client.send('general', 'hello')).seq;
  } catch (error) {
    if (error instanceof RoomcastError) return error.code.length;
    throw error;
  }
}
// @ts-expect-error the url is required
new RoomcastClient({ token: 'jwt' });
`,
    );
    // Both ways applications resolve packages: Node's own, and a bundler's.
    for (const moduleResolution of ['NodeNext', 'Bundler']) {
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: moduleResolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
            moduleResolution,
            strict: true,
            noEmit: true,
            // The package's own declarations are checked too, not skipped.
            skipLibCheck: false,
            types: [],
          },
          files: ['app.ts'],
        }),
      );
      await inProject(process.execPath, [tsc, '-p', 'tsconfig.json']);
    }
  });

  it('bundles for the browser with esbuild and no configuration', async () => {
    await writeFile(
      join(project, 'page.js'),
      `import { RoomcastClient, isValidRoomName } from '@roomcast/client';
window.chat = new RoomcastClient({ url: 'wss://chat.example.com/prod' });
window.isValidRoomName = isValidRoomName;
`,
    );
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['page.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    expect(Object.keys(result.metafile.inputs)).toContain('node_modules/@roomcast/client/dist/index.js');
    expect(code).toMatch(/\bRoomcastClient = class\b|\bclass RoomcastClient\b/);
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/\brequire\(/);
  });
});
