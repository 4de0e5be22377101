// Client package: `@roomcast/client` as the people who install it get it. The package is built
// (scripts/build-client.mjs) and packed with `npm pack`, the tarball installed offline into an empty
// project, and there it is imported by Node and used against the local stack, type-checked with tsc
// against its own declarations, and bundled for the browser by esbuild with no configuration.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
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
    const targets = Object.values(manifest.exports)
      .flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)))
      .map((target) => target.replace(/^\.\//, ''));
    expect(targets).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/types/client/index.d.ts',
        'dist/react.js',
        'dist/types/client/react/index.d.ts',
        'package.json',
      ]),
    );
    expect(files).toEqual(expect.arrayContaining(targets));
    expect(files.filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(manifest.dependencies).toBeUndefined();
  });

  it("shares one client between its entries, so the React bindings take the application's client", async () => {
    const installed = join(project, 'node_modules/@roomcast/client/');
    const scripts = packed.files.map((file) => file.path).filter((file) => file.endsWith('.js'));
    const definitions = await Promise.all(
      scripts.map(async (file) =>
        (await readFile(join(installed, file), 'utf8')).includes('RoomcastClient = class'),
      ),
    );
    expect(definitions.filter(Boolean)).toHaveLength(1);
  });

  it('imports in Node, checks fields with the service rules and chats with the local stack', async () => {
    await writeFile(
      join(project, 'chat.mjs'),
      `import { RoomcastClient, isValidRoomName } from '@roomcast/client';
const [url, token] = process.argv.slice(2);
// Node 22 and browsers have a global WebSocket; Node 20 takes the ws package's.
const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;
const client = new RoomcastClient({ url, token, WebSocket });
const bindings = await import('@roomcast/client/react');
const received = new Promise((done) =>
  client.on('message', ({ message, source }) => source === 'live' && done(message.text)),
);
client.connect();
await client.joinRoom('package-check');
const ack = await client.send('package-check', 'hello from the package');
console.log(JSON.stringify({ good: isValidRoomName('general'), bad: isValidRoomName('no spaces'), seq: ack.seq, text: await received, hooks: typeof bindings.useRoom, provider: typeof bindings.RoomcastProvider }));
client.close();
`,
    );
    const { stdout } = await inProject(process.execPath, [
      'chat.mjs',
      stack().wsUrl,
      stack().tokenFor('packaged', 'Packaged'),
    ]);
    expect(JSON.parse(stdout)).toEqual({
      good: true,
      bad: false,
      seq: 1,
      text: 'hello from the package',
      hooks: 'function',
      provider: 'function',
    });
  });

  it('type-checks an application against the installed declarations', async () => {
    await writeFile(
      join(project, 'app.ts'),
      `import { RoomcastClient, RoomcastError, isValidRoomName, type RoomcastClientOptions, type RoomMessageEvent } from '@roomcast/client';
import { RoomcastProvider, useRoom, type RoomState } from '@roomcast/client/react';
import { createElement, type ReactElement } from 'react';

const options: RoomcastClientOptions = { url: 'wss://chat.example.com/prod', token: () => 'jwt' };
export const client = new RoomcastClient(options);
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

// The bindings take the client of the main entry: one class, whichever entry it came from.
export const app = (): ReactElement => createElement(RoomcastProvider, { client }, createElement(Room));
function Room(): ReactElement {
  const room: RoomState = useRoom('general');
  return createElement('p', null, room.messages.map((message) => message.text).join(' '));
}
`,
    );
    // What docs/client.md tells a Node 20 user to do.
    await writeFile(
      join(project, 'node20.ts'),
      `import { RoomcastClient } from '@roomcast/client';
import WebSocket from 'ws';
export const client = new RoomcastClient({ url: 'ws://localhost:3001/local', WebSocket });
`,
    );
    const compilerOptions = { target: 'ES2022', lib: ['ES2022'], strict: true, noEmit: true, types: [] };
    const checks = {
      // Node's resolution, with every declaration of the package checked (the default library's are
      // skipped: they are the compiler's own, and the slowest to check).
      'tsconfig.node.json': {
        compilerOptions: {
          ...compilerOptions,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          skipLibCheck: false,
          skipDefaultLibCheck: true,
        },
        files: ['app.ts'],
      },
      // A bundler's resolution, and `ws` for the WebSocket option (its types need Node's: not checked).
      'tsconfig.bundler.json': {
        compilerOptions: {
          ...compilerOptions,
          module: 'ESNext',
          moduleResolution: 'Bundler',
          skipLibCheck: true,
        },
        files: ['app.ts', 'node20.ts'],
      },
    };
    for (const [file, config] of Object.entries(checks)) {
      await writeFile(join(project, file), JSON.stringify(config));
      await inProject(process.execPath, [tsc, '-p', file]);
    }
  }, 120_000);

  it('bundles for the browser with esbuild and no configuration', async () => {
    await writeFile(
      join(project, 'page.js'),
      `import { RoomcastClient, isValidRoomName } from '@roomcast/client';
import { RoomcastProvider, useRoom } from '@roomcast/client/react';
window.chat = new RoomcastClient({ url: 'wss://chat.example.com/prod' });
window.isValidRoomName = isValidRoomName;
window.bindings = { RoomcastProvider, useRoom };
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
